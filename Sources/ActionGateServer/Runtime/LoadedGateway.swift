import ActionGateCore
import ActionGateCrypto
import Foundation

/// One loaded snapshot plus what the admin listener needs from the same files.
struct LoadedGateway: Sendable {
    let snapshot: GateSnapshot
    /// The bearer token `POST /v1/seal` requires; nil turns the endpoint off.
    let adminToken: [UInt8]?

    /// Loads the configuration, keyring and admin token file together: all valid or an error.
    static func load(configPath: String, loader: ConfigurationLoader) throws -> LoadedGateway {
        let snapshot: GateSnapshot
        do { snapshot = try SnapshotLoader(configPath: configPath, loader: loader).load() } catch {
            throw GatewayLoadError(description: error.description)
        }
        let token = try snapshot.configuration.admin.tokenFile.map(AdminTokenFile.read)
        return LoadedGateway(snapshot: snapshot, adminToken: token)
    }

    /// The data plane's view of this snapshot.
    var gatewaySnapshot: GatewaySnapshot {
        let keyring = snapshot.keyring
        return GatewaySnapshot(
            gate: snapshot.gate,
            upstreams: snapshot.configuration.upstreams.mapValues(UpstreamSettings.init(configuration:)),
            readiness: { keyring.sealingKey == nil ? "the keyring has no active key" : nil })
    }

    /// Files whose change means a reload.
    var watchedFiles: [String] {
        snapshot.sourceFiles + (snapshot.configuration.admin.tokenFile.map { [$0] } ?? [])
    }
}

/// Why a snapshot could not be loaded, in words an operator can act on (file, line, what to do).
public struct GatewayLoadError: Error, CustomStringConvertible {
    public let description: String
}
