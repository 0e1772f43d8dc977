import ActionGateCore
import ActionGateServer
import Testing

/// Pipelined smuggling attempts and protocol-switch tunnels (`Upgrade: h2c`) against the real
/// gateway: a request hidden in another request's body, or after a refusal, or behind an upgrade,
/// must never become an upstream request of its own.
@Suite struct SecurityPipeliningTests {
    static let browser = SecurityFixture.browser
    static let smuggled = "GET /smuggled HTTP/1.1\r\nHost: app.example.com\r\n\r\n"
    static let probe = "GET /probe HTTP/1.1\r\nHost: app.example.com\r\n\r\n"

    struct Carrier: Sendable, CustomTestStringConvertible {
        var name: String
        var head: String
        var framing: String
        var body: String
        var testDescription: String { name }
    }

    static let carriers: [Carrier] = [
        Carrier(
            name: "action, Content-Length", head: "POST /actions/echo HTTP/1.1\r\n\(browser)",
            framing: "Content-Length: \(smuggled.utf8.count)\r\n", body: smuggled),
        Carrier(
            name: "action, chunked", head: "POST /actions/echo HTTP/1.1\r\n\(browser)",
            framing: "Transfer-Encoding: chunked\r\n", body: chunked(smuggled)),
        Carrier(
            name: "streamed passthrough, Content-Length",
            head: "POST /static/upload HTTP/1.1\r\nHost: app.example.com\r\n",
            framing: "Content-Length: \(smuggled.utf8.count)\r\n", body: smuggled),
        Carrier(
            name: "streamed passthrough, chunked", head: "POST /static/upload HTTP/1.1\r\nHost: app.example.com\r\n",
            framing: "Transfer-Encoding: chunked\r\n", body: chunked(smuggled)),
    ]

    /// `text` as one chunk and the last chunk.
    static func chunked(_ text: String) -> String {
        "\(String(text.utf8.count, radix: 16))\r\n\(text)\r\n0\r\n\r\n"
    }

    /// A body that holds a second request (framed by Content-Length or chunks, buffered for the
    /// Gate or streamed): one upstream request carrying it as its body; the next request on the
    /// connection is then the next upstream request.
    @Test(arguments: carriers)
    func requestInsideABodyIsBody(_ carrier: Carrier) async throws {
        try await SecurityFixture.with { fixture in
            let client = try await fixture.harness.connect()
            try await client.send(carrier.head + carrier.framing + "\r\n" + carrier.body + Self.probe)
            #expect(try await client.readResponse().status == 200)
            #expect(try await client.readResponse().status == 200)
            await client.close()
            let received = fixture.upstream.received
            #expect(received.map(\.target).dropFirst() == ["/probe"])
            #expect(received.first?.body == Array(Self.smuggled.utf8))
            for seen in received { fixture.expectWellFramed(seen, seen.target) }
        }
    }

    /// Each pipelined request is gated on its own: a cross-site action behind a valid one is refused.
    @Test func everyPipelinedRequestIsGated() async throws {
        try await SecurityFixture.with { fixture in
            let client = try await fixture.harness.connect()
            let crossSite =
                "POST /actions/echo HTTP/1.1\r\nHost: app.example.com\r\nOrigin: https://evil.example\r\n"
                + "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
            try await client.send(
                "POST /actions/echo HTTP/1.1\r\n\(Self.browser)Content-Length: 2\r\n\r\n{}" + crossSite + Self.probe)
            #expect(try await client.readResponse().status == 200)
            let refused = try await client.readResponse()
            #expect(refused.status == 403)
            #expect(refused.bodyText.contains("\"error\":\"origin_rejected\""))
            #expect(try await client.readResponse().status == 200)
            await client.close()
            #expect(fixture.upstream.received.map(\.target) == ["/actions/echo", "/probe"])
        }
    }

    struct Refusal: Sendable, CustomTestStringConvertible {
        var name: String
        var head: String
        var status: Int
        var testDescription: String { name }
    }

    /// Requests the Gate refuses while their body (a smuggled request) is in the same packet.
    static let refusedWithBody: [Refusal] = [
        Refusal(
            name: "cross-site origin",
            head: "POST /actions/echo HTTP/1.1\r\nHost: app.example.com\r\nOrigin: https://evil.example\r\n"
                + "Content-Type: application/json\r\n",
            status: 403),
        Refusal(
            name: "unknown action",
            head: "POST /actions/nope HTTP/1.1\r\n\(browser)", status: 404),
        Refusal(
            name: "signed-in action without a session", head: "POST /actions/whoami HTTP/1.1\r\n\(browser)", status: 401
        ),
        Refusal(name: "GET with a body", head: "GET /page HTTP/1.1\r\nHost: app.example.com\r\n", status: 400),
        Refusal(name: "unknown host", head: "POST /actions/echo HTTP/1.1\r\nHost: evil.example\r\n", status: 421),
        Refusal(
            name: "wrong method", head: "PUT /actions/echo HTTP/1.1\r\n\(browser)", status: 405),
    ]

    /// The refused request's body is read as its body (or the connection closes), never as the next
    /// request: the smuggled request never reaches the upstream.
    @Test(arguments: refusedWithBody)
    func refusedRequestsBodyIsNeverARequest(_ refusal: Refusal) async throws {
        try await SecurityFixture.with { fixture in
            let client = try await fixture.harness.connect()
            try await client.send(refusal.head + "Content-Length: \(Self.smuggled.utf8.count)\r\n\r\n" + Self.smuggled)
            let response = try await client.readResponse()
            #expect(response.status == refusal.status)
            if !client.isClosedByPeer {
                try? await client.send(Self.probe)
                if let probe = try? await client.readResponse() { #expect(probe.status == 200) }
            }
            await client.close()
            #expect(fixture.upstream.received.allSatisfy { $0.target == "/probe" })
        }
    }

    /// Refused on the head alone (the body has not arrived): the gateway answers and closes, so a
    /// body sent afterwards, holding a request, is never parsed.
    @Test func bodyAfterAnEarlyRefusalIsNeverParsed() async throws {
        try await SecurityFixture.with { fixture in
            let client = try await fixture.harness.connect()
            try await client.send(
                "POST /actions/echo HTTP/1.1\r\nHost: app.example.com\r\nOrigin: https://evil.example\r\n"
                    + "Content-Type: application/json\r\nExpect: 100-continue\r\n"
                    + "Content-Length: \(Self.smuggled.utf8.count)\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.status == 403)
            #expect(response.header("connection") == "close")
            try? await client.send(Self.smuggled)
            #expect(await client.waitForClose())
            #expect(!String(decoding: client.unread, as: UTF8.self).contains("100 Continue"))
            #expect(fixture.upstream.received.isEmpty)
        }
    }

    /// A body over the action's limit is refused on its declared length; what follows is not read.
    @Test func oversizedDeclaredBodyClosesTheConnection() async throws {
        try await SecurityFixture.with { fixture in
            let client = try await fixture.harness.connect()
            try await client.send(
                "POST /actions/echo HTTP/1.1\r\n\(Self.browser)Content-Length: 70000\r\n\r\n" + Self.smuggled)
            let response = try await client.readResponse()
            #expect(response.status == 413)
            #expect(response.bodyText.contains("\"error\":\"body_too_large\""))
            #expect(await client.waitForClose())
            #expect(fixture.upstream.received.isEmpty)
        }
    }

    struct Upgrade: Sendable, CustomTestStringConvertible {
        var name: String
        var raw: String
        var target: String
        var testDescription: String { name }
    }

    static let upgrades: [Upgrade] = [
        Upgrade(
            name: "h2c with HTTP2-Settings",
            raw: "GET / HTTP/1.1\r\nHost: app.example.com\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n",
            target: "/"),
        Upgrade(
            name: "h2c without Connection",
            raw: "GET / HTTP/1.1\r\nHost: app.example.com\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABk\r\n\r\n",
            target: "/"),
        Upgrade(
            name: "h2c on an action",
            raw: "POST /actions/echo HTTP/1.1\r\n\(browser)Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
                + "HTTP2-Settings: AAMAAABk\r\nContent-Length: 2\r\n\r\n{}",
            target: "/actions/echo"),
        Upgrade(
            name: "h2c on passthrough",
            raw: "GET /static/app.js HTTP/1.1\r\nHost: app.example.com\r\nConnection: Upgrade\r\nUpgrade: H2C\r\n\r\n",
            target: "/static/app.js"),
        Upgrade(
            name: "websocket",
            raw: "GET /ws HTTP/1.1\r\nHost: app.example.com\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
            target: "/ws"),
    ]

    /// The gateway never switches protocols: the request is answered as plain HTTP/1.1 (never
    /// 101), forwarded once without `Upgrade`/`HTTP2-Settings`/`Connection`, and the connection
    /// closes after the response, so HTTP/2 frames sent behind it are never read as a request.
    @Test(arguments: upgrades)
    func upgradeIsNeverForwarded(_ upgrade: Upgrade) async throws {
        try await SecurityFixture.with { fixture in
            let client = try await fixture.harness.connect()
            try await client.send(upgrade.raw + "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + Self.smuggled)
            let response = try await client.readResponse()
            #expect(response.status == 200)
            #expect(response.header("upgrade") == nil)
            #expect(response.header("connection") == "close")
            #expect(await client.waitForClose())
            let received = fixture.upstream.received
            #expect(received.map(\.target) == [upgrade.target])
            let seen = try #require(received.first)
            #expect(seen.header("upgrade") == nil)
            // Listed in `Connection`, HTTP2-Settings is hop-by-hop; unlisted, it is inert without `Upgrade`.
            if upgrade.raw.contains("Connection: Upgrade, HTTP2-Settings") {
                #expect(seen.header("http2-settings") == nil)
            }
            #expect(seen.headerValues("connection").allSatisfy { !$0.lowercased().contains("upgrade") })
            fixture.expectWellFramed(seen, upgrade.name)
        }
    }
}
