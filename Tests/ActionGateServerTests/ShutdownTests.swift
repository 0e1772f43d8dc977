import ActionGateServer
import Logging
import ServiceLifecycle
import Testing

@Suite struct ShutdownTests {
    @Test func gracefulShutdownLetsAnInFlightRequestFinish() async throws {
        try await GatewayHarness.with { gateway in
            let group = ServiceGroup(
                services: gateway.server.services, gracefulShutdownSignals: [], cancellationSignals: [],
                logger: Logger(label: "test")
            )
            let running = Task { try await group.run() }
            let idle = try await gateway.connect()
            let busy = try await gateway.connect()
            // Slow enough that the shutdown surely starts before the response does, even under load.
            try await busy.send("GET /slow/2000 HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(await gateway.eventually { gateway.upstream.received.count == 1 })

            await group.triggerGracefulShutdown()
            #expect(await idle.waitForClose())
            let response = try await busy.readResponse()
            #expect(response.status == 200)
            #expect(response.bodyText == "slow")
            #expect(response.header("connection") == "close")
            #expect(await busy.waitForClose())
            try await running.value
            await #expect(throws: (any Error).self) { try await gateway.connect() }
        }
    }

    @Test func shutdownClosesWhatOutlivesTheGracePeriod() async throws {
        try await GatewayHarness.with { gateway in
            let busy = try await gateway.connect()
            try await busy.send("GET /slow/5000 HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(await gateway.eventually { gateway.upstream.received.count == 1 })
            let started = ContinuousClock.now
            await gateway.server.shutdown(gracePeriod: .milliseconds(200))
            #expect(ContinuousClock.now - started < .seconds(3))
            #expect(await busy.waitForClose())
            #expect(await gateway.eventually { gateway.server.counters.openConnections == 0 })
        }
    }

    /// Once shutdown starts, `/readyz` says so while in-flight requests finish, so a load balancer
    /// stops sending new ones; `/healthz` still answers (the process is alive).
    @Test func readinessFailsWhileDraining() async throws {
        try await GatewayHarness.with(admin: true) { gateway in
            #expect(
                await gateway.eventually {
                    (try? await gateway.admin("GET /readyz HTTP/1.1\r\nHost: a\r\n\r\n"))?.status == 200
                })
            let busy = try await gateway.connect()
            try await busy.send("GET /slow/3000 HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(await gateway.eventually { gateway.upstream.received.count == 1 })
            let stopping = Task { await gateway.server.shutdown() }
            var ready: ParsedResponse?
            for _ in 0..<100 {
                ready = try? await gateway.admin("GET /readyz HTTP/1.1\r\nHost: a\r\n\r\n")
                if ready?.status == 503 { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(ready?.status == 503)
            #expect(ready?.bodyText.contains("shutting down") == true)
            let health = try await gateway.admin("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(health.status == 200)
            let response = try await busy.readResponse()
            #expect(response.status == 200)
            await stopping.value
        }
    }
}
