import ActionGateCore
import ActionGateServer
import ActionGateTestSupport
import Foundation
import Testing

@Suite struct ReloadTests {
    /// A loader that reads the Gate's label from `file`; the label `bad` fails to load.
    static func inputs(file: URL, sighup: Bool = false) -> (_ upstreams: [String: UpstreamSettings]) -> ReloadInputs {
        { upstreams in
            ReloadInputs(watchedFiles: [file.path], pollInterval: .milliseconds(30), reloadsOnSIGHUP: sighup) {
                let label = try String(contentsOf: file, encoding: .utf8).trimmingCharacters(
                    in: .whitespacesAndNewlines)
                guard label != "bad" else { throw LoadError(message: "\(file.lastPathComponent):1: label: bad") }
                return ReloadInputs.Loaded(
                    snapshot: GatewaySnapshot(gate: TestGate(label: label), upstreams: upstreams),
                    watchedFiles: [file.path])
            }
        }
    }

    struct LoadError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    static func temporaryFile(_ contents: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("reload-\(UUID().uuidString).txt")
        try FileReplacement.write(contents, to: url)
        return url
    }

    @Test func touchingAWatchedFileSwapsTheSnapshotWithoutDroppingAConnection() async throws {
        let file = try Self.temporaryFile("v1")
        defer { try? FileManager.default.removeItem(at: file) }
        try await GatewayHarness.with(admin: true, reload: Self.inputs(file: file)) { gateway in
            let reloader = try #require(gateway.server.reloader)
            let running = Task { try await reloader.run() }
            defer { running.cancel() }

            let client = try await gateway.connect()
            try await client.send("GET /versioned HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try await client.readResponse().header("x-rewritten") == "v1")

            try FileReplacement.write("v2", to: file)
            let swapped = await gateway.eventually {
                guard (try? await client.send("GET /versioned HTTP/1.1\r\nHost: a\r\n\r\n")) != nil,
                    let response = try? await client.readResponse()
                else { return false }
                return response.status == 403
            }
            #expect(swapped)
            #expect(!client.isClosedByPeer)
            #expect(gateway.server.reloadStatus.current.generation >= 1)

            try FileReplacement.write("bad", to: file)
            #expect(await gateway.eventually { gateway.server.reloadStatus.current.lastError != nil })
            try await client.send("GET /versioned HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try await client.readResponse().status == 403, "the v2 snapshot stays in force")
            let notReady = try await gateway.admin("GET /readyz HTTP/1.1\r\nHost: admin\r\n\r\n")
            #expect(notReady.status == 503)
            #expect(notReady.bodyText.contains("last reload failed"))

            try FileReplacement.write("v1", to: file)
            #expect(await gateway.eventually { gateway.server.reloadStatus.isCurrent })
            // Each EventLoop installs the snapshot on its next turn.
            let restored = await gateway.eventually {
                guard (try? await client.send("GET /versioned HTTP/1.1\r\nHost: a\r\n\r\n")) != nil,
                    let response = try? await client.readResponse()
                else { return false }
                return response.status == 200
            }
            #expect(restored)
            #expect(try await gateway.admin("GET /readyz HTTP/1.1\r\nHost: admin\r\n\r\n").status == 200)
            await client.close()
        }
    }

    @Test func sighupReloads() async throws {
        let file = try Self.temporaryFile("v1")
        defer { try? FileManager.default.removeItem(at: file) }
        var inputs = Self.inputs(file: file, sighup: true)
        let slowPoll = inputs
        inputs = { upstreams in
            var reload = slowPoll(upstreams)
            reload.pollInterval = .seconds(3600)
            return reload
        }
        try await GatewayHarness.with(reload: inputs) { gateway in
            let reloader = try #require(gateway.server.reloader)
            let running = Task { try await reloader.run() }
            defer { running.cancel() }
            try FileReplacement.write("v2", to: file)
            // Polling is off (an hour), so only the signal can trigger the reload. The signal
            // source may not be installed yet when the task starts: signal until it is seen.
            let reloaded = await gateway.eventually {
                kill(getpid(), SIGHUP)
                return gateway.server.reloadStatus.current.generation >= 1
            }
            #expect(reloaded)
            let refused = await gateway.eventually {
                (try? await gateway.roundTrip("GET /versioned HTTP/1.1\r\nHost: a\r\n\r\n"))?.status == 403
            }
            #expect(refused)
        }
    }

    @Test func publishingANewUpstreamTableMovesTrafficWithoutDroppingClients() async throws {
        try await GatewayHarness.with { gateway in
            let second = try await TestUpstream.start()
            let client = try await gateway.connect()
            try await client.send("GET /first HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try await client.readResponse().status == 200)
            let moved = UpstreamSettings(host: "127.0.0.1", port: second.port)
            gateway.server.publish(GatewaySnapshot(gate: TestGate(label: "v2"), upstreams: ["app": moved]))
            let switched = await gateway.eventually {
                guard (try? await client.send("GET /second HTTP/1.1\r\nHost: a\r\n\r\n")) != nil,
                    let response = try? await client.readResponse()
                else { return false }
                return response.header("x-rewritten") == "v2"
            }
            #expect(switched)
            #expect(second.received.last?.target == "/second")
            #expect(!client.isClosedByPeer)
            await client.close()
            await second.stop()
        }
    }

    @Test func aRequestWhoseBodyArrivesAfterAReloadIsDecidedAndForwardedUnderTheNewSnapshot() async throws {
        // The head asked for the body under the first snapshot (the 100 Continue says so); the reload
        // moves `app` to another server while the body is on its way. The request is decided once its
        // body is complete, so under the snapshot in force then — a key retired or a policy tightened
        // meanwhile applies to it — and it goes to the upstream that snapshot names, as the next does.
        try await GatewayHarness.with { gateway in
            let second = try await TestUpstream.start()
            let client = try await gateway.connect()
            try await client.send(
                "POST /body/100 HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
            #expect(try await client.readResponse().status == 100)
            let moved = UpstreamSettings(host: "127.0.0.1", port: second.port)
            gateway.server.publish(GatewaySnapshot(gate: TestGate(label: "v2"), upstreams: ["app": moved]))
            // Runs on every EventLoop after the snapshot's installation there.
            _ = await gateway.server.upstreamStats()
            try await client.send("data")
            let decidedAfter = try await client.readResponse()
            #expect(decidedAfter.status == 200)
            #expect(decidedAfter.header("x-rewritten") == "v2")
            #expect(second.received.last?.body == Array("data".utf8))
            #expect(gateway.upstream.received.isEmpty)

            try await client.send("GET /after HTTP/1.1\r\nHost: a\r\n\r\n")
            let after = try await client.readResponse()
            #expect(after.header("x-rewritten") == "v2")
            #expect(second.received.map(\.target) == ["/body/100", "/after"])
            await client.close()
            await second.stop()
        }
    }

    @Test func aRequestDecidedBeforeAReloadStillReachesAnUpstreamTheReloadRemoved() async throws {
        // Decided at its head (no body to wait for), then the reload removes its upstream while the
        // upstream is still answering: the request completes on the retired pool, which then closes.
        try await GatewayHarness.with { gateway in
            let client = try await gateway.connect()
            try await client.send("GET /slow/300 HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(await gateway.eventually { gateway.upstream.received.count == 1 })
            gateway.server.publish(GatewaySnapshot(gate: TestGate(label: "v2"), upstreams: [:]))
            _ = await gateway.server.upstreamStats()
            let response = try await client.readResponse()
            #expect(response.status == 200)
            #expect(response.header("x-rewritten") == "v1")
            // The retired pool keeps no connection once the request is done: the upstream sees it close.
            #expect(gateway.upstream.connectionCount >= 1)
            #expect(await gateway.eventually { gateway.upstream.openConnectionCount == 0 })
            await client.close()
        }
    }

    /// A configuration that starts naming another file (a keyring elsewhere) has that file watched
    /// from the reload that read it: a later change to it (a key retired there) is applied too.
    @Test func filesAReloadNamesAreWatchedFromThenOn() async throws {
        let first = try Self.temporaryFile("v1")
        let second = try Self.temporaryFile("v2")
        let pointer = try Self.temporaryFile(first.path)
        defer { for file in [first, second, pointer] { try? FileManager.default.removeItem(at: file) } }
        let inputs: ([String: UpstreamSettings]) -> ReloadInputs = { upstreams in
            ReloadInputs(
                watchedFiles: [pointer.path, first.path], pollInterval: .milliseconds(30), reloadsOnSIGHUP: false
            ) {
                let named = try String(contentsOf: pointer, encoding: .utf8).trimmingCharacters(
                    in: .whitespacesAndNewlines)
                let label = try String(contentsOfFile: named, encoding: .utf8).trimmingCharacters(
                    in: .whitespacesAndNewlines)
                return ReloadInputs.Loaded(
                    snapshot: GatewaySnapshot(gate: TestGate(label: label), upstreams: upstreams),
                    watchedFiles: [pointer.path, named])
            }
        }
        try await GatewayHarness.with(reload: inputs) { gateway in
            let reloader = try #require(gateway.server.reloader)
            let running = Task { try await reloader.run() }
            defer { running.cancel() }
            func label() async -> String? {
                try? await gateway.roundTrip("GET /n HTTP/1.1\r\nHost: a\r\n\r\n").header("x-rewritten")
            }
            #expect(await label() == "v1")
            try FileReplacement.write(second.path, to: pointer)
            #expect(await gateway.eventually { await label() == "v2" })
            try FileReplacement.write("v3", to: second)
            #expect(await gateway.eventually { await label() == "v3" }, "the newly named file is watched")
            try FileReplacement.write("stale", to: first)
            try await Task.sleep(for: .milliseconds(200))
            #expect(await label() == "v3")
        }
    }

    @Test func failedReloadKeepsTheOldSnapshot() async throws {
        let file = try Self.temporaryFile("v1")
        defer { try? FileManager.default.removeItem(at: file) }
        try await GatewayHarness.with(reload: Self.inputs(file: file)) { gateway in
            let reloader = try #require(gateway.server.reloader)
            try FileReplacement.write("bad", to: file)
            #expect(!reloader.reloadNow(trigger: "test"))
            let state = gateway.server.reloadStatus.current
            #expect(state.failures == 1)
            #expect(state.lastError?.contains("label: bad") == true)
            #expect(await gateway.server.readinessProblem()?.contains("last reload failed") == true)
            #expect(try await gateway.roundTrip("GET /versioned HTTP/1.1\r\nHost: a\r\n\r\n").status == 200)
        }
    }
}
