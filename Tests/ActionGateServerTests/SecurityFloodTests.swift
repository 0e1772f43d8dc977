import ActionGateCore
import ActionGateServer
import Testing

/// Connection floods against the real gateway, bounded in count and time: held idle and half-open
/// connections do not starve a legitimate client, the connection cap refuses with 503 `overloaded`
/// and recovers, and the gauges (`server.counters`) return to their baseline.
@Suite struct SecurityFloodTests {
    static let legit = "GET /legit HTTP/1.1\r\nHost: app.example.com\r\n\r\n"
    static let partialHead = "POST /actions/echo HTTP/1.1\r\nHost: app.example.com\r\nOrigin: https://app.exa"
    static let partialBody =
        "POST /actions/echo HTTP/1.1\r\n\(SecurityFixture.browser)Content-Length: 100\r\n\r\n{\"a\":"

    /// Opens `count` connections, holding every fourth one silent, partial head, partial body
    /// (5 body bytes buffered) or half-closed (TCP FIN) after a partial head.
    static func hold(_ count: Int, on fixture: SecurityFixture) async throws -> [RawConnection] {
        var held: [RawConnection] = []
        for index in 0..<count {
            let connection = try await fixture.harness.connect()
            switch index % 4 {
            case 1: try await connection.send(partialHead)
            case 2: try await connection.send(partialBody)
            case 3:
                try await connection.send(partialHead)
                try await connection.closeOutput()
            default: break
            }
            held.append(connection)
        }
        return held
    }

    @Test func heldConnectionsDoNotStarveALegitimateClient() async throws {
        try await SecurityFixture.with(SecurityFixture.Options(maxConnections: 1000)) { fixture in
            let counters = fixture.counters
            let held = try await Self.hold(200, on: fixture)
            // Half-closed ones are closed at once; the rest stay open, bodies buffered.
            #expect(await fixture.harness.eventually { counters.openConnections == 150 })
            #expect(await fixture.harness.eventually { counters.liveBodyBuffers == 50 })
            #expect(counters.bufferedBodyBytes == 50 * 5)
            // A head cut short by the client's end of input is malformed: 400, then close.
            for connection in held.enumerated().filter({ $0.offset % 4 == 3 }).map(\.element) {
                let response = try await connection.readResponse()
                #expect(response.status == 400)
                #expect(response.bodyText.hasPrefix("{\"error\":\"malformed_request\""))
                // The FIN follows the response (the gateway closes once the response is flushed):
                // it may not have been read yet when the response is complete.
                #expect(await connection.waitForClose())
            }
            let started = ContinuousClock.now
            for _ in 0..<5 {
                #expect(try await fixture.harness.roundTrip(Self.legit).status == 200)
            }
            // Not starved: far below the 30 s the gateway's own timeouts would take (a loaded
            // parallel test run has measured 8 s for these five).
            #expect(ContinuousClock.now - started < .seconds(20))
            for connection in held { await connection.close() }
            #expect(await fixture.harness.eventually { counters.openConnections == 0 })
            #expect(counters.liveBodyBuffers == 0)
            #expect(counters.bufferedBodyBytes == 0)
            #expect(try await fixture.harness.roundTrip(Self.legit).status == 200)
            #expect(fixture.upstream.received.map(\.target) == Array(repeating: "/legit", count: 6))
        }
    }

    @Test func floodBeyondMaxConnectionsIsRefusedAndRecovers() async throws {
        try await SecurityFixture.with(SecurityFixture.Options(maxConnections: 40)) { fixture in
            let counters = fixture.counters
            var held: [RawConnection] = []
            for index in 0..<40 {
                let connection = try await fixture.harness.connect()
                if index % 2 == 1 { try await connection.send(Self.partialBody) }
                held.append(connection)
            }
            #expect(await fixture.harness.eventually { counters.openConnections == 40 })
            // The flood: every connection beyond the cap is refused without its request being read.
            for _ in 0..<60 {
                let refused = try await fixture.harness.connect()
                try? await refused.send(Self.legit)
                let response = try await refused.readResponse()
                #expect(response.status == 503)
                #expect(response.bodyText.hasPrefix("{\"error\":\"overloaded\""))
                #expect(response.header("connection") == "close")
                #expect(await refused.waitForClose())
                await refused.close()
            }
            #expect(await fixture.harness.eventually { counters.openConnections == 40 })
            #expect(fixture.upstream.received.isEmpty)
            // One held connection goes away: a fresh legitimate client is served again.
            await held.removeFirst().close()
            #expect(await fixture.harness.eventually { counters.openConnections == 39 })
            #expect(try await fixture.harness.roundTrip(Self.legit).status == 200)
            for connection in held { await connection.close() }
            #expect(await fixture.harness.eventually { counters.openConnections == 0 })
            #expect(counters.liveBodyBuffers == 0)
            #expect(counters.bufferedBodyBytes == 0)
            #expect(fixture.upstream.received.map(\.target) == ["/legit"])
        }
    }

    /// Connections opened and dropped at once, mid-head or mid-body, leave nothing behind.
    @Test func connectionChurnLeavesNothingBehind() async throws {
        try await SecurityFixture.with { fixture in
            let counters = fixture.counters
            for index in 0..<300 {
                let connection = try await fixture.harness.connect()
                switch index % 3 {
                case 1: try? await connection.send(Self.partialHead)
                case 2: try? await connection.send(Self.partialBody)
                default: break
                }
                await connection.close()
            }
            #expect(await fixture.harness.eventually { counters.openConnections == 0 })
            #expect(await fixture.harness.eventually { counters.liveBodyBuffers == 0 })
            #expect(counters.bufferedBodyBytes == 0)
            #expect(fixture.upstream.received.isEmpty)
            #expect(try await fixture.harness.roundTrip(Self.legit).status == 200)
        }
    }

    /// Many legitimate requests at once over keep-alive connections are all served, through at
    /// most the upstream's `max_connections` (16 in the test configuration).
    @Test func requestBurstIsServedWithinTheUpstreamPool() async throws {
        try await SecurityFixture.with { fixture in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        let connection = try await fixture.harness.connect()
                        var served = 0
                        for _ in 0..<10 {
                            try await connection.send(
                                "POST /actions/echo HTTP/1.1\r\n\(SecurityFixture.browser)Content-Length: 2\r\n\r\n{}")
                            if try await connection.readResponse().status == 200 { served += 1 }
                        }
                        await connection.close()
                        return served
                    }
                }
                var total = 0
                for try await served in group { total += served }
                #expect(total == 200)
            }
            #expect(fixture.upstream.received.count == 200)
            #expect(fixture.upstream.connectionCount <= 16)
            #expect(await fixture.harness.eventually { fixture.counters.openConnections == 0 })
        }
    }
}
