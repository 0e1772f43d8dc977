import Logging
import ServiceLifecycle
import Testing

@testable import ActionGateServer

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

    /// A listener SwiftNIO closes (an `accept` error it does not recover from) must not leave a
    /// process that accepts nothing while `/healthz` answers: the service ends with
    /// `ListenerClosed` (`serve` exits 3 for its supervisor), after closing everything. A shutdown's
    /// own closing of the listeners is not such an end.
    @Test(.timeLimit(.minutes(1))) func aListenerThatClosesWhileServingEndsTheService() async throws {
        try await GatewayHarness.with(admin: true) { gateway in
            let (_, running) = try await Self.serving(gateway)
            try await gateway.server.listenChannels[0].close()
            do {
                try await running.value
                Issue.record("the service went on without its listener")
            } catch let error as ListenerClosed {
                #expect(error.listener.hasPrefix("listen 127.0.0.1:"), "\(error.listener)")
            }
            // Everything was closed, the admin listener too.
            await #expect(throws: (any Error).self) {
                try await gateway.admin("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n")
            }
        }
        // A graceful shutdown closes the listeners itself: the service ends without an error.
        try await GatewayHarness.with(admin: true) { gateway in
            let (group, running) = try await Self.serving(gateway)
            await group.triggerGracefulShutdown()
            try await running.value
        }
    }

    /// Runs the gateway's service in a group of its own, and checks that it serves.
    static func serving(_ gateway: GatewayHarness) async throws -> (ServiceGroup, Task<Void, any Error>) {
        let group = ServiceGroup(
            services: [GatewayService(server: gateway.server)], gracefulShutdownSignals: [], cancellationSignals: [],
            logger: Logger(label: "test"))
        let running = Task { try await group.run() }
        #expect(try await gateway.roundTrip("GET / HTTP/1.1\r\nHost: a\r\n\r\n").status == 200)
        return (group, running)
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
