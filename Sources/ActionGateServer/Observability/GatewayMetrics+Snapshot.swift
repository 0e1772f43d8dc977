import ActionGateCore
import ActionGateCrypto
import Foundation
import Prometheus

extension GatewayMetrics {
    /// Notes a snapshot put in force (the initial load and every successful reload): the label
    /// values it allows, the configuration fingerprint and generation, and the keyring's keys.
    public func snapshotLoaded(_ snapshot: GateSnapshot) {
        let configuration = snapshot.configuration
        let keyring = snapshot.keyring
        labels.withLock {
            $0.configure(
                routes: configuration.routes.map(\.pathPrefix), actions: Array(configuration.actions.byID.keys),
                upstreams: Array(configuration.upstreams.keys), keyIDs: keyring.entries.map(\.idHex))
        }
        let configFiles = snapshot.sourceFiles.filter { $0 != configuration.keyring }
        let configHash = Self.fingerprint(configFiles.map { FileManager.default.contents(atPath: $0) ?? Data() })
        let keyringHash = Self.fingerprint([
            Data(keyring.entries.map { "\($0.idHex):\($0.state.rawValue)\n" }.joined().utf8)
        ])
        scrape.withLock { state in
            state.configGeneration += 1
            gauges.configGeneration.set(Int64(state.configGeneration))
            gauges.configHash.set(Int64(configHash))
            gauges.keyringHash.set(Int64(keyringHash))
            install(keyring, state: &state)
        }
    }

    /// Counts a reload whose files loaded (call `snapshotLoaded` with its snapshot too).
    public func reloadSucceeded() {
        gauges.reloadSuccesses.increment()
        gauges.lastReloadSuccess.set(to: 1)
    }

    /// Counts a reload that failed (the previous snapshot stays in force).
    public func reloadFailed() {
        gauges.reloadFailures.increment()
        gauges.lastReloadSuccess.set(to: 0)
    }

    /// Makes `keyring` the one whose keys are reported (their seal counts carry over by themselves:
    /// `TokenKey.sealCount` is per key and process, whichever keyring value holds the key).
    private func install(_ keyring: Keyring, state: inout ScrapeState) {
        if state.keyring != keyring {
            state.keyringGeneration += 1
            gauges.keyringGeneration.set(Int64(state.keyringGeneration))
        }
        state.keyring = keyring
        let present = Set(keyring.entries.map(\.id))
        for (id, gauges) in state.keyGauges where !present.contains(id) {
            for gauge in gauges.states.values { registry.unregisterGauge(gauge) }
            registry.unregisterGauge(gauges.sealWarning)
            state.keyGauges[id] = nil
        }
        for entry in keyring.entries {
            let keyID = entry.idHex
            // Register the opening counters at 0 so a key that never opens anything shows up.
            for purpose in TokenPurposeLabel.allCases { _ = tokenCounter(keyID: keyID, purpose: purpose) }
            let keyGauges = state.keyGauges[entry.id] ?? makeKeyGauges(keyID: keyID)
            for (keyState, gauge) in keyGauges.states { gauge.set(to: keyState == entry.state ? 1 : 0) }
            state.keyGauges[entry.id] = keyGauges
        }
    }

    private func makeKeyGauges(keyID: String) -> ScrapeState.KeyGauges {
        var states: [KeyState: Gauge] = [:]
        for keyState in KeyState.allCases {
            states[keyState] = registry.makeGauge(
                descriptor: MetricName.keyState.descriptor, labels: [("key_id", keyID), ("state", keyState.rawValue)])
        }
        let warning = registry.makeGauge(descriptor: MetricName.keySealWarning.descriptor, labels: [("key_id", keyID)])
        return ScrapeState.KeyGauges(states: states, sealWarning: warning)
    }

    /// The first 32 bits of HMAC-SHA256 over the parts (each prefixed with its length), as a number
    /// Prometheus represents exactly.
    static func fingerprint(_ parts: [Data]) -> UInt32 {
        var message: [UInt8] = []
        for part in parts {
            withUnsafeBytes(of: UInt64(part.count).bigEndian) { message.append(contentsOf: $0) }
            message.append(contentsOf: part)
        }
        guard let mac = try? HMAC.sha256(key: Array("actiongate fingerprint v1".utf8), message: message) else {
            return 0
        }
        return mac.prefix(4).reduce(0) { $0 << 8 | UInt32($1) }
    }
}
