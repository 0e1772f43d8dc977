import ActionGateCore
import ActionGateServer
import NIOCore
import Testing

@Suite struct UpstreamFailureTests {
    @Test func upstreamDownIs502() async throws {
        try await GatewayHarness.with(upstreamDown: true) { gateway in
            let client = try await gateway.connect()
            try await client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.status == 502)
            #expect(response.bodyText.contains("\"error\":\"upstream_unavailable\""))
            // The client's request was complete, so its connection stays usable.
            try await client.send("GET /again HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try await client.readResponse().status == 502)
            await client.close()
        }
    }

    @Test func slowUpstreamIs504() async throws {
        // The timeout must comfortably exceed connecting under load (a request still waiting for its
        // connection when the timeout passes is 503 upstream_busy, by design).
        try await GatewayHarness.with(upstream: { $0.requestTimeout = .seconds(1) }) { gateway in
            let response = try await gateway.roundTrip("GET /slow/4000 HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(response.status == 504)
            #expect(response.bodyText.contains("\"error\":\"upstream_timeout\""))
        }
    }

    @Test func upstreamClosingBeforeItsResponseIs502() async throws {
        try await GatewayHarness.with { gateway in
            let response = try await gateway.roundTrip("GET /close HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(response.status == 502)
        }
    }

    @Test func upstreamDyingMidResponseClosesTheClient() async throws {
        try await GatewayHarness.with { gateway in
            let client = try await gateway.connect()
            try await client.send("GET /close-mid HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(await client.waitForClose())
            let text = String(decoding: client.unread, as: UTF8.self)
            #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(text.hasSuffix("0123456789"))
            let record = try #require(gateway.audit.all.first)
            guard case .aborted = record.outcome else {
                Issue.record("expected an aborted exchange, got \(record.outcome)")
                return
            }
            #expect(record.status == 200)
        }
    }

    @Test func connectionCloseFromUpstreamIsNotReused() async throws {
        try await GatewayHarness.with { gateway in
            let client = try await gateway.connect()
            try await client.send("GET /conn-close HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try await client.readResponse().bodyText == "bye")
            try await client.send("GET /after HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try await client.readResponse().bodyText == "ok")
            let received = gateway.upstream.received
            #expect(received.count == 2)
            #expect(received[0].connection != received[1].connection)
            await client.close()
        }
    }

    @Test func staleReusedConnectionIsRetriedForIdempotentRequestsOnly() async throws {
        try await GatewayHarness.with { gateway in
            let client = try await gateway.connect()
            try await client.send("GET /arm-stale HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try await client.readResponse().bodyText == "armed")
            try await client.send("GET /retried HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try await client.readResponse().bodyText == "ok")
            let received = gateway.upstream.received
            #expect(received.map(\.target) == ["/arm-stale", "/retried", "/retried"])
            #expect(received[1].connection == received[0].connection)
            #expect(received[2].connection != received[0].connection)

            try await client.send("GET /arm-stale HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try await client.readResponse().bodyText == "armed")
            try await client.send("POST /body/10 HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\nx")
            #expect(try await client.readResponse().status == 502, "a POST is never sent twice")
            await client.close()
        }
    }

    @Test func switchingProtocolsFromTheUpstreamIs502() async throws {
        try await GatewayHarness.with { gateway in
            let response = try await gateway.roundTrip("GET /status/101 HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(response.status == 502)
            #expect(response.bodyText.contains("upstream_unavailable"))
        }
    }

    @Test func unknownUpstreamIs502() async throws {
        try await GatewayHarness.with { gateway in
            let response = try await gateway.roundTrip("GET /unknown-upstream HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(response.status == 502)
            #expect(gateway.upstream.received.isEmpty)
        }
    }

    @Test func fullPoolAndFullQueueIs503() async throws {
        let tune: (inout UpstreamSettings) -> Void = {
            $0.maxConnections = 1
            $0.maxWaitingRequests = 0
        }
        try await GatewayHarness.with(upstream: tune) { gateway in
            // One EventLoop per core: fill every loop's single connection with a slow request.
            let loops = System.coreCount
            var slow: [RawConnection] = []
            for _ in 0..<(loops * 2) {
                let client = try await gateway.connect()
                try await client.send("GET /slow/1500 HTTP/1.1\r\nHost: a\r\n\r\n")
                slow.append(client)
            }
            var statuses: [Int] = []
            for client in slow {
                statuses.append(try await client.readResponse().status)
                await client.close()
            }
            #expect(statuses.contains(503))
            #expect(statuses.contains(200))
            #expect(gateway.upstream.connectionCount <= loops)
        }
    }
}
