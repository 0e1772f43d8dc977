import ActionGateCore
import ActionGateServer
import NIOCore
import Testing

/// Upstream responses decoded by the data plane's own decoder (`ResponseDecoder`), end to end: a
/// scripted upstream sends each shape in small pieces, and the client must get exactly the response
/// (re-framed by the gateway), with the upstream connection reused only when that is safe.
@Suite struct UpstreamResponseFramingTests {
    static func with(
        _ respond: @escaping @Sendable (_ head: String, _ index: Int) -> ScriptedUpstream.Reply,
        _ body: (GatewayHarness, ScriptedUpstream) async throws -> Void
    ) async throws {
        let upstream = try await ScriptedUpstream.start(respond)
        do {
            try await GatewayHarness.with(upstream: { $0.port = upstream.port }) { gateway in
                try await body(gateway, upstream)
            }
        } catch {
            await upstream.stop()
            throw error
        }
        await upstream.stop()
    }

    static let plain = ScriptedUpstream.Reply("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nplain")

    @Test func chunkedBodyWithExtensionsAndTrailersIsReframed() async throws {
        let chunked = ScriptedUpstream.Reply(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Up: 1\r\n\r\n"
                + "5;name=\"v;x\"\r\nhello\r\n7 ; a=b\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n",
            pieceSize: 3)
        try await Self.with({ _, index in index == 0 ? chunked : Self.plain }) { gateway, upstream in
            let client = try await gateway.connect()
            try await client.send("GET /one HTTP/1.1\r\nHost: a\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.status == 200 && response.bodyText == "hello, world")
            #expect(response.header("x-up") == "1" && response.header("x-trailer") == nil)
            let raw = String(decoding: client.received, as: UTF8.self)
            #expect(!raw.contains("name=") && !raw.contains("X-Trailer"), "extensions and trailers are dropped")
            try await client.send("GET /two HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try await client.readResponse().bodyText == "plain")
            #expect(upstream.connectionCount == 1, "the chunked response ended cleanly: its connection is reused")
            await client.close()
        }
    }

    @Test func interimResponsesAreNotRelayed() async throws {
        let reply = ScriptedUpstream.Reply(
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n"
                + "HTTP/1.1 201 Created\r\nContent-Length: 4\r\n\r\nmade",
            pieceSize: 7)
        try await Self.with({ _, _ in reply }) { gateway, _ in
            let client = try await gateway.connect()
            try await client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.status == 201 && response.bodyText == "made")
            #expect(String(decoding: client.received, as: UTF8.self).hasPrefix("HTTP/1.1 201 "))
            await client.close()
        }
    }

    @Test func headResponseEndsAtItsHeadAndTheConnectionIsReused() async throws {
        let head = ScriptedUpstream.Reply("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n")
        try await Self.with({ text, _ in text.hasPrefix("HEAD ") ? head : Self.plain }) { gateway, upstream in
            let client = try await gateway.connect()
            try await client.send("HEAD / HTTP/1.1\r\nHost: a\r\n\r\n")
            let response = try await client.readResponse(isHEAD: true)
            #expect(response.status == 200 && response.header("content-length") == "10" && response.body.isEmpty)
            try await client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try await client.readResponse().bodyText == "plain")
            #expect(upstream.connectionCount == 1)
            #expect(upstream.requests.first?.hasPrefix("HEAD / HTTP/1.1\r\n") == true)
            await client.close()
        }
    }

    @Test func closeDelimitedBodyIsRelayedWhole() async throws {
        let reply = ScriptedUpstream.Reply(
            "HTTP/1.0 200 OK\r\nX-Up: 1\r\n\r\nuntil the very end", pieceSize: 5, close: true)
        try await Self.with({ _, _ in reply }) { gateway, upstream in
            let client = try await gateway.connect()
            for _ in 0..<2 {
                try await client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
                let response = try await client.readResponse()
                #expect(response.status == 200 && response.bodyText == "until the very end")
                #expect(response.header("transfer-encoding") == "chunked")
            }
            #expect(upstream.connectionCount == 2, "a close-delimited response's connection is never reused")
            await client.close()
        }
    }

    @Test func bytesAfterAResponseRetireTheConnection() async throws {
        let reply = ScriptedUpstream.Reply("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n\r\n")
        try await Self.with({ _, _ in reply }) { gateway, upstream in
            let client = try await gateway.connect()
            for _ in 0..<2 {
                try await client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
                #expect(try await client.readResponse().bodyText == "ok")
            }
            #expect(upstream.connectionCount == 2, "an upstream that sent more than asked is not trusted again")
            await client.close()
        }
    }

    @Test(arguments: [
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok",
        "HTTP/1.1 200 OK\nContent-Length: 2\n\nok",
        "HTTP/1.1 200 OK\r\nX: a\r\n b\r\nContent-Length: 2\r\n\r\nok",
        "HTTP/1.1 200 OK\r\nX : a\r\nContent-Length: 2\r\n\r\nok",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, identity\r\n\r\n2\r\nok\r\n0\r\n\r\n",
        // Framed, but encoded with a coding the gateway would strip without decoding.
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nok",
        "HTTP/2 200\r\nContent-Length: 2\r\n\r\nok",
        "ICY 200 OK\r\n\r\nok",
    ])
    func malformedResponseHeadIs502(_ text: String) async throws {
        try await Self.with({ _, _ in ScriptedUpstream.Reply(text) }) { gateway, _ in
            let response = try await gateway.roundTrip("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(response.status == 502 && response.bodyText.contains("\"error\":\"upstream_unavailable\""))
            #expect(await gateway.eventually { !gateway.audit.all.isEmpty })
            let outcome = "\(gateway.audit.all.first?.outcome as Any)"
            #expect(outcome.contains("upstream protocol error"), "\(outcome)")
        }
    }

    /// A head whose first chunk is already broken in the same read: nothing of the response was
    /// handed to the client yet, so it gets a 502 (it got an empty reply, audited as a 200).
    @Test func brokenChunkRightAfterTheHeadIs502() async throws {
        let reply = ScriptedUpstream.Reply(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nSet-Cookie: a=1\r\n\r\nZZ\r\nmore\r\n0\r\n\r\n")
        try await Self.with({ _, _ in reply }) { gateway, _ in
            let response = try await gateway.roundTrip("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(response.status == 502 && response.bodyText.contains("\"error\":\"upstream_unavailable\""))
            #expect(!response.bodyText.contains("more"))
            #expect(await gateway.eventually { !gateway.audit.all.isEmpty })
            #expect(gateway.audit.all.first?.status == 502)
        }
    }

    /// A legacy upstream's ISO-8859-1 header value reaches the client byte for byte (it reached it
    /// with U+FFFD in place of each such byte).
    @Test func aHeaderValueThatIsNotUTF8IsRelayedUnchanged() async throws {
        let disposition =
            Array("Content-Disposition: attachment; filename=\"r".utf8) + [0xE9] + Array("sum".utf8)
            + [0xE9, 0xFF] + Array(".pdf\"".utf8)
        let reply = ScriptedUpstream.Reply(
            bytes: Array("HTTP/1.1 200 OK\r\n".utf8) + disposition + Array("\r\nContent-Length: 2\r\n\r\nok".utf8))
        try await Self.with({ _, _ in reply }) { gateway, _ in
            let client = try await gateway.connect()
            try await client.send("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
            #expect(await client.waitForClose())
            let bytes = client.unread
            #expect(bytes.starts(with: Array("HTTP/1.1 200 OK\r\n".utf8)))
            let line = disposition + Array("\r\n".utf8)
            #expect(
                bytes.indices.contains { bytes[$0...].starts(with: line) },
                "\(String(decoding: bytes, as: UTF8.self).debugDescription)")
        }
    }

    @Test func brokenChunkAfterTheHeadClosesTheClient() async throws {
        let reply = ScriptedUpstream.Reply(pieces: [
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", "ZZ\r\nmore\r\n0\r\n\r\n",
        ])
        try await Self.with({ _, _ in reply }) { gateway, _ in
            let client = try await gateway.connect()
            try await client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(await client.waitForClose())
            // What was relayed before the broken chunk arrived reaches the client (unless both came in
            // one read, when the close comes first); a complete body never does.
            let text = String(decoding: client.unread, as: UTF8.self)
            #expect(text.isEmpty || (text.hasPrefix("HTTP/1.1 200 OK\r\n") && text.contains("hello")), "\(text)")
            #expect(!text.hasSuffix("0\r\n\r\n") && !text.contains("more"), "the client never sees a complete body")
        }
    }
}
