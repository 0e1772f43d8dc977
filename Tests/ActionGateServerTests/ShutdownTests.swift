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
}
