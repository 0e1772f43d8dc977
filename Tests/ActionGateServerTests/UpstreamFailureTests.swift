import ActionGateCore
import ActionGateServer
import Glibc
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
        try await GatewayHarness.with(upstream: { $0.requestTimeout = .seconds(1) }) { gateway in
            let response = try await gateway.roundTrip("GET /slow/4000 HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(response.status == 504)
            #expect(response.bodyText.contains("\"error\":\"upstream_timeout\""))
        }
    }

    /// An upstream that does not accept the connection within the request timeout (its accept
    /// queue is full; the connect timeout is longer) is the upstream's slowness, not the pool's:
    /// 504 `upstream_timeout`, not 503 `upstream_busy`.
    @Test func anUpstreamThatDoesNotAcceptWithinTheRequestTimeoutIs504() async throws {
        let unresponsive = try UnresponsiveListener()
        defer { unresponsive.close() }
        let tune: (inout UpstreamSettings) -> Void = {
            $0.port = unresponsive.port
            $0.connectTimeout = .seconds(30)
            $0.requestTimeout = .seconds(1)
        }
        try await GatewayHarness.with(upstream: tune) { gateway in
            let response = try await gateway.roundTrip("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(response.status == 504)
            #expect(response.bodyText.contains("\"error\":\"upstream_timeout\""))
            #expect(await gateway.server.upstreamStats()["app"]?.waiting == 0)
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
            #expect(await gateway.eventually { !gateway.audit.all.isEmpty })  // written just after the response
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

/// A listening socket on 127.0.0.1 whose accept queue is full and never drained: Linux drops
/// further SYNs, so a connect to it hangs until its own timeout.
struct UnresponsiveListener {
    let port: Int
    private let descriptors: [Int32]

    init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, length) == 0 && listen(listener, 0) == 0 && getsockname(listener, $0, &length) == 0
            }
        }
        guard listener >= 0, bound else { throw RawConnection.Closed() }
        port = Int(UInt16(bigEndian: address.sin_port))
        // A backlog of 0 holds one completed connection; a few more make sure it is full.
        var descriptors = [listener]
        for _ in 0..<3 {
            let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(client, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            descriptors.append(client)
        }
        self.descriptors = descriptors
        usleep(100_000)  // the handshakes of the fillers complete
    }

    func close() {
        for descriptor in descriptors { _ = Glibc.close(descriptor) }
    }
}
