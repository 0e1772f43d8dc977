import ActionGateCrypto
import ActionGateServer
import Foundation
import Logging
import Synchronization
import Testing

/// `/readyz` tells the truth, and reloads, seals and connections show in `/metrics`.
@Suite struct ObservabilityReadinessTests {
    typealias Fixture = ObservabilityFixture

    func metrics(_ fixture: Fixture) async throws -> MetricsText {
        MetricsText(try await fixture.admin("/metrics").bodyText)
    }

    /// Polls `/readyz` (bounded): the upstream probe connects with a timeout, which a loaded test
    /// machine can exceed once.
    func becomesReady(_ fixture: Fixture) async throws -> Bool {
        for _ in 0..<100 {
            if try await fixture.admin("/readyz").status == 200 { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// A reload applies what it can and says which changed settings wait for a restart (listeners,
    /// server limits, logs), instead of a bare "configuration reloaded".
    @Test func aReloadNamesTheChangedSettingsThatWaitForARestart() async throws {
        let lines = Mutex<[String]>([])
        let output = JSONLogOutput { bytes in lines.withLock { $0.append(String(decoding: bytes, as: UTF8.self)) } }
        let logger = Logger(label: "actiongate") { JSONLogHandler(label: $0, level: .info, output: output) }
        try await Fixture.with(logger: logger) { fixture in
            let reloader = try #require(fixture.gateway.server.reloader)
            let good = try String(contentsOfFile: fixture.configPath, encoding: .utf8)
            func warnings() -> [String] {
                lines.withLock { $0 }.filter { $0.contains("take effect only at the next restart") }
            }

            // Only reloadable settings changed: no warning.
            try fixture.writeConfig(good.replacingOccurrences(of: "policy: public }", with: "policy: signed-in }"))
            #expect(reloader.reloadNow(trigger: "test"))
            #expect(warnings().isEmpty)

            try fixture.writeConfig(
                good + "\nlimits: { idle_timeout: 5s, max_connections: 10 }\nlog: { level: debug }\n")
            #expect(reloader.reloadNow(trigger: "test"))
            let warned = warnings()
            #expect(warned.count == 1, "\(lines.withLock { $0 })")
            #expect(
                warned.first?.contains(#""settings":"limits.idle_timeout, limits.max_connections, log.level""#) == true,
                "\(warned)")
        }
    }

    @Test func aFailedReloadCountsAndFailsReadinessUntilFixed() async throws {
        try await Fixture.with { fixture in
            let reloader = try #require(fixture.gateway.server.reloader)
            #expect(try await becomesReady(fixture))
            #expect(try await fixture.admin("/healthz").status == 200)
            let good = try String(contentsOfFile: fixture.configPath, encoding: .utf8)

            try fixture.writeConfig(good + "\nunknown_key: 1\n")
            #expect(!reloader.reloadNow(trigger: "test"))
            let failed = try await metrics(fixture)
            #expect(failed.value("actiongate_config_reloads_total", ["result": "failure"]) == 1)
            #expect(failed.value("actiongate_config_reloads_total", ["result": "success"]) == 0)
            #expect(failed.value("actiongate_config_last_reload_success") == 0)
            #expect(failed.value("actiongate_config_generation") == 1)
            let notReady = try await fixture.admin("/readyz")
            #expect(notReady.status == 503)
            #expect(notReady.bodyText.contains("last reload failed"))
            #expect(notReady.bodyText.contains("unknown_key"))
            #expect(try await fixture.admin("/healthz").status == 200, "liveness only")
            // The previous snapshot still serves.
            let served = try await fixture.roundTrip(
                "POST /actions/login HTTP/1.1\r\n\(Fixture.browser)Content-Length: 2\r\n\r\n{}")
            #expect(served.status == 200)

            try fixture.writeConfig(good)
            #expect(reloader.reloadNow(trigger: "test"))
            let fixed = try await metrics(fixture)
            #expect(fixed.value("actiongate_config_reloads_total", ["result": "success"]) == 1)
            #expect(fixed.value("actiongate_config_last_reload_success") == 1)
            #expect(fixed.value("actiongate_config_generation") == 2)
            #expect(fixed.value("actiongate_config_hash") == failed.value("actiongate_config_hash"))
            #expect(try await becomesReady(fixture))
        }
    }

    @Test func aKeyringWithoutAnActiveKeyFailsTheReloadAndReadiness() async throws {
        try await Fixture.with { fixture in
            let reloader = try #require(fixture.gateway.server.reloader)
            let path = fixture.folder.appendingPathComponent("keys.json").path
            let good = try Data(contentsOf: URL(fileURLWithPath: path))
            let text = String(decoding: good, as: UTF8.self).replacingOccurrences(
                of: "\"active\"", with: "\"decrypt-only\"")
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            #expect(!reloader.reloadNow(trigger: "test"))
            let notReady = try await fixture.admin("/readyz")
            #expect(notReady.status == 503)
            #expect(notReady.bodyText.contains("no active key"))
            #expect(try await metrics(fixture).value("actiongate_config_reloads_total", ["result": "failure"]) == 1)

            // An operator promotes a key again: the keyring changes, its generation moves.
            let before = try await metrics(fixture)
            try KeyringFile.save(
                try fixture.keyring.rotating(now: Date(), randomBytes: Keyring.secureRandomBytes), to: path)
            #expect(reloader.reloadNow(trigger: "test"))
            #expect(try await becomesReady(fixture))
            let after = try await metrics(fixture)
            #expect(after.value("actiongate_keyring_generation") == 2)
            #expect(after.value("actiongate_keyring_hash") != before.value("actiongate_keyring_hash"))
            #expect(
                after.value("actiongate_key_state", ["key_id": fixture.activeKey.idHex, "state": "decrypt-only"]) == 1)
        }
    }

    @Test func readinessFailsWhileNoUpstreamIsReachable() async throws {
        try await Fixture.with(upstreamDown: true) { fixture in
            let notReady = try await fixture.admin("/readyz")
            #expect(notReady.status == 503)
            #expect(notReady.bodyText.contains("no upstream reachable"))
            #expect(try await fixture.admin("/healthz").status == 200)
            let failed = try await fixture.roundTrip(
                "POST /actions/login HTTP/1.1\r\n\(Fixture.browser)Content-Length: 2\r\n\r\n{}")
            #expect(failed.status == 502)
            let text = try await metrics(fixture)
            #expect(text.value("actiongate_upstream_errors_total", ["upstream": "app", "kind": "unavailable"]) == 1)
            #expect(text.value("actiongate_rejections_total", ["reason": "upstream_unavailable"]) == 1)
            let line = try #require(try fixture.auditLines().first)
            #expect(line["verdict"] == .string("forward"))
            #expect(line["outcome"] == .string("rejected"))
            #expect(line["reason"] == .string("upstream_unavailable"))
            #expect(line["upstream"] == .string("app"))
        }
    }

    @Test func sealsPerKeySurviveReloadsAndOpenConnectionsAreGauged() async throws {
        try await Fixture.with { fixture in
            let active = fixture.activeKey.idHex
            for _ in 0..<3 {
                let sealed = try await fixture.adminPost(
                    "/v1/seal", json: #"{"action":"deleteUser","args":{"id":1},"ttl":"5m"}"#)
                #expect(sealed.status == 200)
            }
            #expect(try await metrics(fixture).value("actiongate_key_seals_total", ["key_id": active]) == 3)
            // A reload builds new key objects; they go on counting where the old ones stopped.
            #expect(try #require(fixture.gateway.server.reloader).reloadNow(trigger: "test"))
            _ = try await fixture.adminPost("/v1/seal", json: #"{"action":"deleteUser","args":{},"ttl":"5m"}"#)
            let text = try await metrics(fixture)
            #expect(text.value("actiongate_key_seals_total", ["key_id": active]) == 4)
            #expect(text.value("actiongate_key_seals_total", ["key_id": fixture.decryptOnlyKey.idHex]) == 0)
            #expect(text.value("actiongate_key_seal_warning", ["key_id": active]) == 0)

            let held = try await RawConnection.connect(to: fixture.gateway.server.listenAddress)
            try await held.send("GET /static/a HTTP/1.1\r\nHost: app.example.com\r\n\r\n")
            _ = try await held.readResponse()
            #expect(try await metrics(fixture).value("actiongate_open_connections") == 1)
            await held.close()
            var closed = false
            for _ in 0..<200 where !closed {
                closed = try await metrics(fixture).value("actiongate_open_connections") == 0
                if !closed { try await Task.sleep(for: .milliseconds(10)) }
            }
            #expect(closed)
        }
    }
}
