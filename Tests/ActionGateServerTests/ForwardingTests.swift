import ActionGateCore
import ActionGateServer
import ActionGateTestSupport
import NIOHTTP1
import Testing

@Suite struct ForwardingTests {
    @Test func forwardsWithThePlansHeadersAndRewritesTheResponse() async throws {
        try await GatewayHarness.with { gateway in
            let response = try await gateway.roundTrip(
                "GET /hello?x=1 HTTP/1.1\r\nHost: app.test\r\nX-Client-Secret: no\r\nX-Keep: yes\r\n\r\n"
            )
            #expect(response.status == 200)
            #expect(response.bodyText == "ok")
            #expect(response.header("x-rewritten") == "v1")
            #expect(response.header("x-upstream") == "1")
            #expect(response.header("x-upstream-secret") == nil)
            let seen = try #require(gateway.upstream.received.first)
            #expect(seen.method == "GET")
            #expect(seen.target == "/hello?x=1")
            #expect(seen.header("x-keep") == "yes")
            #expect(seen.header("x-client-secret") == nil)
            #expect(seen.header("x-gate") == "v1")
            #expect(seen.header("host") == "app.test")
            #expect(seen.header("x-actiongate-request-id")?.count == 15)
            #expect(await gateway.eventually { !gateway.audit.all.isEmpty })  // written just after the response
            let record = try #require(gateway.audit.all.first)
            #expect(record.outcome == .forwarded(status: 200))
            #expect(record.upstream == "app")
            #expect(record.upstreamLatency != nil)
            #expect(record.bytesOut == 2)
        }
    }

    @Test func ordinaryHTTPClientKeepsItsConnection() async throws {
        try await GatewayHarness.with { gateway in
            let client = try await HTTPTestClient.connect(to: gateway.address)
            var post = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/body/100", headers: ["Host": "a"])
            post.headers.add(name: "Content-Length", value: "4")
            let responses = try await client.exchange([
                (HTTPRequestHead(version: .http1_1, method: .GET, uri: "/one", headers: ["Host": "a"]), nil),
                (post, "body"),
                (HTTPRequestHead(version: .http1_1, method: .GET, uri: "/chunked", headers: ["Host": "a"]), nil),
            ])
            #expect(responses.map(\.head.status.code) == [200, 200, 200])
            #expect(responses.map(\.body) == ["ok", "ok", "hello chunked world"])
            #expect(gateway.upstream.received.map(\.target) == ["/one", "/body/100", "/chunked"])
            #expect(gateway.server.counters.openConnections <= 1)
        }
    }

    @Test func keepAliveReusesOneUpstreamConnection() async throws {
        // Idle eviction is not under test: a test run that starves this task between two requests
        // must not look like a second upstream connection.
        try await GatewayHarness.with(upstream: { $0.idleTimeout = .seconds(600) }) { gateway in
            let client = try await gateway.connect()
            for index in 0..<5 {
                try await client.send("GET /n/\(index) HTTP/1.1\r\nHost: a\r\n\r\n")
                let response = try await client.readResponse()
                #expect(response.status == 200)
                #expect(response.header("connection") == nil)
            }
            await client.close()
            let received = gateway.upstream.received
            #expect(received.map(\.target) == (0..<5).map { "/n/\($0)" })
            #expect(Set(received.map(\.connection)).count == 1)
            #expect(gateway.upstream.connectionCount == 1)
        }
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        try await GatewayHarness.with { gateway in
            let client = try await gateway.connect()
            try await client.send(
                "GET /slow/150 HTTP/1.1\r\nHost: a\r\n\r\n"
                    + "POST /body/100 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
                    + "GET /reject/forbidden HTTP/1.1\r\nHost: a\r\n\r\n"
                    + "GET /last HTTP/1.1\r\nHost: a\r\n\r\n"
            )
            let first = try await client.readResponse()
            let second = try await client.readResponse()
            let third = try await client.readResponse()
            let fourth = try await client.readResponse()
            #expect(first.bodyText == "slow")
            #expect(second.status == 200)
            #expect(third.status == 403)
            #expect(fourth.bodyText == "ok")
            #expect(gateway.upstream.received.map(\.target) == ["/slow/150", "/body/100", "/last"])
            #expect(gateway.upstream.received[1].body == Array("hello".utf8))
            // One audit record per request, in order.
            #expect(await gateway.eventually { gateway.audit.all.count == 4 })
            #expect(gateway.audit.all.map(\.status) == [200, 200, 403, 200])
            #expect(Set(gateway.audit.all.map(\.requestID)).count == 4)
            await client.close()
        }
    }

    @Test func pipelinedRequestsAfterARefusalAreAllAnsweredInOrder() async throws {
        // A refusal decided while draining read-ahead requests ends its exchange at once, and the
        // next exchange starts from inside that drain: every later request must still be served
        // once, in order (none skipped, none answered twice, no response in another's place).
        try await GatewayHarness.with { gateway in
            let client = try await gateway.connect()
            let targets = [
                "/slow/150", "/reject/forbidden", "/n/1", "/reject/unauthenticated", "/reject/forbidden", "/n/2",
                "/n/3", "/reject/forbidden", "/last",
            ]
            try await client.send(targets.map { "GET \($0) HTTP/1.1\r\nHost: a\r\n\r\n" }.joined())
            var statuses: [Int] = []
            for _ in targets { statuses.append(try await client.readResponse().status) }
            #expect(statuses == [200, 403, 200, 401, 403, 200, 200, 403, 200])
            #expect(gateway.upstream.received.map(\.target) == ["/slow/150", "/n/1", "/n/2", "/n/3", "/last"])
            #expect(await gateway.eventually { gateway.audit.all.count == targets.count })
            #expect(gateway.audit.all.map(\.target) == targets)
            #expect(client.unread.isEmpty)
            #expect(!client.isClosedByPeer)
            await client.close()
        }
    }

    /// `listen:` as a list: every address is bound and served, and shutdown closes them all.
    @Test func everyListenAddressServes() async throws {
        try await GatewayHarness.with(extraListeners: 2) { gateway in
            let addresses = gateway.server.listenAddresses
            #expect(addresses.count == 3)
            #expect(Set(addresses.compactMap(\.port)).count == 3)
            for (index, address) in addresses.enumerated() {
                let client = try await RawConnection.connect(to: address)
                try await client.send("GET /via/\(index) HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
                #expect(try await client.readResponse().status == 200)
                await client.close()
            }
            #expect(gateway.upstream.received.map(\.target) == ["/via/0", "/via/1", "/via/2"])
            await gateway.server.shutdown(gracePeriod: .zero)
            for address in addresses {
                #expect((try? await RawConnection.connect(to: address)) == nil, "closed at shutdown: \(address)")
            }
        }
    }

    @Test func halfClosedClientStillGetsItsResponse() async throws {
        try await GatewayHarness.with { gateway in
            let client = try await gateway.connect()
            try await client.send("GET /slow/100 HTTP/1.1\r\nHost: a\r\n\r\n")
            try await client.closeOutput()
            let response = try await client.readResponse()
            #expect(response.status == 200)
            #expect(response.bodyText == "slow")
            // The end of the input was known before the response started: it says the connection ends.
            #expect(response.header("connection") == "close")
            #expect(await client.waitForClose())
        }
    }

    @Test func expectContinueIsAnsweredAfterTheHeadVerdict() async throws {
        try await GatewayHarness.with { gateway in
            let client = try await gateway.connect()
            try await client.send(
                "POST /body/100 HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
            let interim = try await client.readResponse()
            #expect(interim.status == 100)
            try await client.send("data")
            let final = try await client.readResponse()
            #expect(final.status == 200)
            #expect(gateway.upstream.received.first?.body == Array("data".utf8))
            #expect(gateway.upstream.received.first?.header("expect") == nil)

            try await client.send(
                "POST /reject/forbidden HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n"
            )
            let refused = try await client.readResponse()
            #expect(refused.status == 403)
            #expect(refused.header("connection") == "close")
            #expect(await client.waitForClose())
        }
    }

    @Test func bufferedBodyIsReframedWithContentLength() async throws {
        try await GatewayHarness.with { gateway in
            let response = try await gateway.roundTrip(
                "POST /body/100 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n"
            )
            #expect(response.status == 200)
            let seen = try #require(gateway.upstream.received.first)
            #expect(seen.body == Array("abcdefg".utf8))
            #expect(seen.header("content-length") == "7")
            #expect(seen.header("transfer-encoding") == nil)
        }
    }

    @Test func streamedBodyIsRelayedWithItsOwnFraming() async throws {
        try await GatewayHarness.with { gateway in
            let client = try await gateway.connect()
            try await client.send(
                "POST /stream/1000/echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
            try await client.send("6\r\n world\r\n0\r\n\r\n")
            let chunked = try await client.readResponse()
            #expect(chunked.status == 200)
            try await client.send("POST /stream/1000 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nxyz")
            #expect(try await client.readResponse().status == 200)
            let received = gateway.upstream.received
            #expect(received[0].body == Array("hello world".utf8))
            #expect(received[0].header("transfer-encoding") == "chunked")
            #expect(received[1].body == Array("xyz".utf8))
            #expect(received[1].header("content-length") == "3")
            await client.close()
        }
    }

    /// One-byte chunks cost the gateway a frame and a write each (about 250 ns of CPU per byte sent):
    /// the chunks of one client read now go upstream as one.
    @Test func tinyChunksOfOneReadGoUpstreamAsOneChunk() async throws {
        try await GatewayHarness.with { gateway in
            let client = try await gateway.connect()
            let chunks = String(repeating: "1\r\nx\r\n", count: 500)
            try await client.send(
                "POST /stream/1000/echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n\(chunks)0\r\n\r\n")
            #expect(try await client.readResponse().status == 200)
            let seen = try #require(gateway.upstream.received.first)
            #expect(seen.body == Array(repeating: UInt8(ascii: "x"), count: 500))
            #expect(seen.bodyParts < 50, "\(seen.bodyParts) chunks upstream for 500 sent in one write")
            await client.close()
        }
    }

    @Test func upgradeIsNeverForwardedAndTheConnectionCloses() async throws {
        try await GatewayHarness.with { gateway in
            let client = try await gateway.connect()
            try await client.send(
                "GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
                    + "HTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n"
            )
            let response = try await client.readResponse()
            #expect(response.status == 200)
            #expect(response.header("connection") == "close")
            #expect(await client.waitForClose())
            let received = gateway.upstream.received
            #expect(received.map(\.target) == ["/"])
            #expect(received.first?.header("upgrade") == nil)
            #expect(received.first?.header("connection") == nil)
        }
    }

    @Test func chunkedUpstreamResponseIsRelayedChunked() async throws {
        try await GatewayHarness.with { gateway in
            let response = try await gateway.roundTrip("GET /chunked HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(response.header("transfer-encoding") == "chunked")
            #expect(response.bodyText == "hello chunked world")
        }
    }

    @Test func http10ClientGetsACloseDelimitedBody() async throws {
        try await GatewayHarness.with { gateway in
            let client = try await gateway.connect()
            try await client.send("GET /chunked HTTP/1.0\r\n\r\n")
            #expect(await client.waitForClose())
            let response = try await client.readResponse()
            #expect(response.bodyText == "hello chunked world")
            #expect(response.header("transfer-encoding") == nil)
        }
    }

    @Test func headResponseCarriesNoBody() async throws {
        try await GatewayHarness.with { gateway in
            let client = try await gateway.connect()
            try await client.send("HEAD /big/10 HTTP/1.1\r\nHost: a\r\n\r\nGET /after HTTP/1.1\r\nHost: a\r\n\r\n")
            let head = try await client.readResponse(isHEAD: true)
            #expect(head.status == 200)
            #expect(head.header("content-length") == "10")
            let next = try await client.readResponse()
            #expect(next.bodyText == "ok")
            await client.close()
        }
    }

    @Test func largeResponseIsRelayedCompletely() async throws {
        try await GatewayHarness.with { gateway in
            let response = try await gateway.roundTrip("GET /big/3000000 HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(response.body.count == 3_000_000)
        }
    }

    /// A response that ends the connection (`Connection: close`) reaches a client that reads
    /// slowly whole: the gateway closes only after the last byte left its buffers — also when the
    /// client waits longer than the linger time, and when it half-closed after its request.
    @Test(arguments: [(700, false), (2600, false), (700, true)])
    func aClosingResponseReachesASlowReaderWhole(pauseMilliseconds: Int, halfCloses: Bool) async throws {
        try await GatewayHarness.with { gateway in
            let client = try LoopbackSocket(port: gateway.address.port ?? 0, receiveBufferSize: 4096)
            defer { client.close() }
            try client.send("GET /big/3000000 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
            if halfCloses { client.closeOutput() }
            // Not reading for a while: the gateway's socket and buffers fill, its writes wait.
            try await Task.sleep(for: .milliseconds(pauseMilliseconds))
            let received = try client.readToEnd()
            let text = String(decoding: received.prefix(512), as: UTF8.self)
            #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
            let headEnd = received.firstRange(of: Array("\r\n\r\n".utf8))?.upperBound ?? received.count
            #expect(received.count - headEnd == 3_000_000, "the body arrived whole before the end")
        }
    }

    /// A keep-alive request (no `Connection: close`) whose client half-closes and then reads slowly:
    /// the end of the input closes the connection after the response, and the response — still in
    /// the gateway's buffers when the exchange ends — reaches the client whole first. The same for a
    /// graceful shutdown that finds the connection idle right after such a response.
    @Test(arguments: [false, true])
    func aKeepAliveResponseStillLeavingReachesASlowReaderWhole(shutsDown: Bool) async throws {
        try await GatewayHarness.with { gateway in
            let client = try LoopbackSocket(port: gateway.address.port ?? 0, receiveBufferSize: 4096)
            defer { client.close() }
            try client.send("GET /big/3000000 HTTP/1.1\r\nHost: a\r\n\r\n")
            var received: [UInt8] = []
            var stopping: Task<Void, Never>?
            if shutsDown {
                // Reading slowly until the exchange ends (its last bytes are still in the gateway's
                // buffers then), and only then shutting down.
                while gateway.audit.all.isEmpty {
                    let chunk = try client.receive(upTo: 8192)
                    guard !chunk.isEmpty else { break }
                    received += chunk
                    try await Task.sleep(for: .milliseconds(2))
                }
                stopping = Task { await gateway.server.shutdown(gracePeriod: .seconds(10)) }
            } else {
                client.closeOutput()
            }
            try await Task.sleep(for: .milliseconds(700))
            received += try client.readToEnd()
            await stopping?.value
            let headEnd = received.firstRange(of: Array("\r\n\r\n".utf8))?.upperBound ?? received.count
            #expect(String(decoding: received.prefix(headEnd), as: UTF8.self).hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(received.count - headEnd == 3_000_000, "the body arrived whole before the end")
        }
    }
}
