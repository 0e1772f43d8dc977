import ActionGateCore
import ActionGateServer
import Testing

/// Request smuggling and parser cases against the real gateway (`Gateway.start` from files), over
/// a raw socket: each case asserts what the client sees and what the upstream received.
///
/// Every refused case is a request the Gate would otherwise forward (a public action, same-origin),
/// so a framing check that stopped working would show up as an upstream request.
@Suite struct SecuritySmugglingTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var raw: String
        var reason = RejectionReason.malformedRequest
        /// For forwarded cases: the body the upstream must receive.
        var body = "{}"
        var testDescription: String { name }
    }

    static let browser = SecurityFixture.browser

    /// A same-origin POST to the public `echo` action with `framing` (header lines) and raw `body`.
    static func post(_ framing: String, _ body: String, version: String = "HTTP/1.1") -> String {
        "POST /actions/echo \(version)\r\n\(browser)\(framing)\r\n\(body)"
    }

    static let hugeExtension = String(repeating: "e", count: 32 * 1024)
    static let smuggled = "GET /smuggled HTTP/1.1\r\nHost: app.example.com\r\n\r\n"

    static let refused: [Case] = [
        Case(name: "CL.TE", raw: post("Content-Length: 6\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\nG")),
        Case(
            name: "TE.CL",
            raw: post("Transfer-Encoding: chunked\r\nContent-Length: 3\r\n", "8\r\nSMUGGLED\r\n0\r\n\r\n")),
        Case(name: "duplicate CL, same value", raw: post("Content-Length: 2\r\nContent-Length: 2\r\n", "{}")),
        Case(
            name: "duplicate CL, different values",
            raw: post("Content-Length: 2\r\nContent-Length: \(2 + smuggled.utf8.count)\r\n", "{}" + smuggled)),
        Case(name: "CL list", raw: post("Content-Length: 2, 2\r\n", "{}")),
        Case(name: "CL sign", raw: post("Content-Length: +2\r\n", "{}")),
        Case(name: "CL negative", raw: post("Content-Length: -1\r\n", "{}")),
        Case(name: "CL hex", raw: post("Content-Length: 0x2\r\n", "{}")),
        Case(name: "CL fraction", raw: post("Content-Length: 2.0\r\n", "{}")),
        Case(name: "CL inner space", raw: post("Content-Length: 1 1\r\n", "{}")),
        Case(name: "CL overflowing 2^64", raw: post("Content-Length: 18446744073709551618\r\n", "{}")),
        Case(name: "CL space before colon", raw: post("Content-Length : 2\r\n", "{}")),
        Case(name: "CL tab before colon", raw: post("Content-Length\t: 2\r\n", "{}")),
        Case(name: "CL vertical tab", raw: post("Content-Length: \u{0B}2\r\n", "{}")),
        Case(name: "TE chunked, identity", raw: post("Transfer-Encoding: chunked, identity\r\n", "0\r\n\r\n")),
        Case(name: "TE identity, chunked", raw: post("Transfer-Encoding: identity, chunked\r\n", "0\r\n\r\n")),
        Case(name: "TE identity", raw: post("Transfer-Encoding: identity\r\n", "{}")),
        Case(name: "TE xchunked", raw: post("Transfer-Encoding: xchunked\r\n", "0\r\n\r\n")),
        Case(name: "TE chunkedx", raw: post("Transfer-Encoding: chunkedx\r\n", "0\r\n\r\n")),
        Case(name: "TE quoted", raw: post("Transfer-Encoding: \"chunked\"\r\n", "0\r\n\r\n")),
        Case(name: "TE twice", raw: post("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n")),
        Case(
            name: "TE chunked then TE x",
            raw: post("Transfer-Encoding: chunked\r\nTransfer-encoding: x\r\n", "0\r\n\r\n")),
        Case(name: "TE space before colon", raw: post("Transfer-Encoding : chunked\r\n", "0\r\n\r\n")),
        Case(name: "TE tab before colon", raw: post("Transfer-Encoding\t: chunked\r\n", "0\r\n\r\n")),
        Case(name: "TE vertical tab", raw: post("Transfer-Encoding: \u{0B}chunked\r\n", "0\r\n\r\n")),
        Case(name: "TE form feed", raw: post("Transfer-Encoding: chunked\u{0C}\r\n", "0\r\n\r\n")),
        Case(name: "TE folded onto a field", raw: post("X-Pad: a\r\n Transfer-Encoding: chunked\r\n", "0\r\n\r\n")),
        Case(name: "TE value folded", raw: post("Transfer-Encoding:\r\n chunked\r\n", "0\r\n\r\n")),
        Case(name: "TE on HTTP/1.0", raw: post("Transfer-Encoding: chunked\r\n", "0\r\n\r\n", version: "HTTP/1.0")),
        Case(name: "obs-fold, space", raw: post("Content-Length: 2\r\nX-A: b\r\n c\r\n", "{}")),
        Case(name: "obs-fold, tab", raw: post("Content-Length: 2\r\nX-A: b\r\n\tc\r\n", "{}")),
        Case(name: "chunk size non-hex", raw: post("Transfer-Encoding: chunked\r\n", "zz\r\n{}\r\n0\r\n\r\n")),
        Case(name: "chunk size negative", raw: post("Transfer-Encoding: chunked\r\n", "-2\r\n{}\r\n0\r\n\r\n")),
        Case(name: "chunk size with 0x", raw: post("Transfer-Encoding: chunked\r\n", "0x2\r\n{}\r\n0\r\n\r\n")),
        Case(name: "chunk size signed", raw: post("Transfer-Encoding: chunked\r\n", "+2\r\n{}\r\n0\r\n\r\n")),
        Case(
            name: "chunk size 2^64 + 2",
            raw: post("Transfer-Encoding: chunked\r\n", "10000000000000002\r\n{}\r\n0\r\n\r\n")),
        Case(
            name: "chunk size far beyond 2^64",
            raw: post("Transfer-Encoding: chunked\r\n", "ffffffffffffffffffffff\r\n{}\r\n0\r\n\r\n")),
        Case(name: "chunk size empty", raw: post("Transfer-Encoding: chunked\r\n", "\r\n{}\r\n0\r\n\r\n")),
        Case(name: "chunk size, space", raw: post("Transfer-Encoding: chunked\r\n", "2 \r\n{}\r\n0\r\n\r\n")),
        Case(name: "chunk data overrun", raw: post("Transfer-Encoding: chunked\r\n", "2\r\n{}X\r\n0\r\n\r\n")),
        Case(name: "chunk, bare LF", raw: post("Transfer-Encoding: chunked\r\n", "2\n{}\n0\n\n")),
        Case(
            name: "bare LF everywhere",
            raw: "POST /actions/echo HTTP/1.1\nHost: app.example.com\nContent-Length: 2\n\n{}"),
        Case(name: "bare LF after a field", raw: post("Content-Length: 2\nX-A: b\r\n", "{}")),
        Case(name: "bare LF ending the head", raw: "GET / HTTP/1.1\r\nHost: app.example.com\r\n\n"),
        Case(name: "bare LF after request line", raw: "GET / HTTP/1.1\nHost: app.example.com\r\n\r\n"),
        Case(name: "bare CR in a value", raw: post("Content-Length: 2\r\nX-A: b\rc\r\n", "{}")),
        Case(name: "NUL in a name", raw: post("Content-Length: 2\r\nX-\u{0}A: b\r\n", "{}")),
        Case(name: "NUL in a value", raw: post("Content-Length: 2\r\nX-A: b\u{0}c\r\n", "{}")),
        Case(name: "NUL in the CL value", raw: post("Content-Length: 2\u{0}\r\n", "{}")),
        Case(name: "NUL in the target", raw: "GET /a\u{0}b HTTP/1.1\r\nHost: app.example.com\r\n\r\n"),
        Case(name: "NUL in the method", raw: "GE\u{0}T / HTTP/1.1\r\nHost: app.example.com\r\n\r\n"),
        Case(name: "lower-case method", raw: "post /actions/echo HTTP/1.1\r\n\(browser)Content-Length: 2\r\n\r\n{}"),
        Case(name: "unknown method", raw: "SMUGGLE / HTTP/1.1\r\nHost: app.example.com\r\n\r\n"),
        Case(name: "tab between method and target", raw: "GET\t/ HTTP/1.1\r\nHost: app.example.com\r\n\r\n"),
        Case(name: "junk after version", raw: "GET / HTTP/1.1 junk\r\nHost: app.example.com\r\n\r\n"),
        Case(name: "space after version", raw: "GET / HTTP/1.1 \r\nHost: app.example.com\r\n\r\n"),
        Case(name: "no version", raw: "GET /\r\nHost: app.example.com\r\n\r\n"),
        Case(name: "HTTP/1.2", raw: "GET / HTTP/1.2\r\nHost: app.example.com\r\n\r\n"),
        Case(name: "HTTP/2.0", raw: "GET / HTTP/2.0\r\nHost: app.example.com\r\n\r\n"),
        Case(name: "HTTP/2 preface", raw: "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
        Case(name: "lower-case protocol", raw: "GET / http/1.1\r\nHost: app.example.com\r\n\r\n"),
        Case(
            name: "absolute-form action",
            raw: "POST http://app.example.com/actions/echo HTTP/1.1\r\n\(browser)Content-Length: 2\r\n\r\n{}"),
        Case(
            name: "absolute-form, other host", raw: "GET http://evil.example/ HTTP/1.1\r\nHost: app.example.com\r\n\r\n"
        ),
        Case(
            name: "authority-form CONNECT",
            raw: "CONNECT app.example.com:443 HTTP/1.1\r\nHost: app.example.com:443\r\n\r\n"),
        Case(name: "asterisk-form OPTIONS", raw: "OPTIONS * HTTP/1.1\r\nHost: app.example.com\r\n\r\n"),
        Case(name: "missing Host", raw: "GET / HTTP/1.1\r\n\r\n"),
        Case(name: "two Hosts", raw: "GET / HTTP/1.1\r\nHost: app.example.com\r\nHost: evil.example\r\n\r\n"),
        Case(name: "non-token byte in a name", raw: "GET / HTTP/1.1\r\nHost: app.example.com\r\nX-A\u{7F}: b\r\n\r\n"),
        Case(
            name: "UTF-8 in a name", raw: "GET / HTTP/1.1\r\nHost: app.example.com\r\nX-ActionGate‐Subject: b\r\n\r\n"),
        Case(
            name: "huge field",
            raw: "GET / HTTP/1.1\r\nHost: app.example.com\r\nX-Big: \(String(repeating: "a", count: 9000))\r\n\r\n",
            reason: .headersTooLarge),
    ]

    @Test(arguments: refused)
    func refusedAtTheBoundary(_ testCase: Case) async throws {
        try await SecurityFixture.with { fixture in
            try await fixture.expectRefused(Array(testCase.raw.utf8), testCase.reason, testCase.name)
            #expect(fixture.upstream.connectionCount == 0)
        }
    }

    static let tolerated: [Case] = [
        Case(name: "TE chunked, trailing space", raw: post("Transfer-Encoding: chunked \r\n", "2\r\n{}\r\n0\r\n\r\n")),
        Case(name: "TE tab before value", raw: post("Transfer-Encoding:\tchunked\r\n", "2\r\n{}\r\n0\r\n\r\n")),
        Case(name: "TE upper case", raw: post("Transfer-Encoding: CHUNKED\r\n", "2\r\n{}\r\n0\r\n\r\n")),
        Case(name: "TE name in odd case", raw: post("tRANSFER-eNCODING: chunked\r\n", "2\r\n{}\r\n0\r\n\r\n")),
        Case(name: "CL tab before value", raw: post("Content-Length:\t2\r\n", "{}")),
        Case(name: "CL trailing space", raw: post("Content-Length: 2 \r\n", "{}")),
        Case(name: "CL leading zeros", raw: post("Content-Length: 0002\r\n", "{}")),
        Case(
            name: "Transfer_Encoding alias beside CL",
            raw: post("Transfer_Encoding: chunked\r\nContent-Length: 2\r\n", "{}")),
        Case(name: "Content_Length alias beside CL", raw: post("Content_Length: 999\r\nContent-Length: 2\r\n", "{}")),
        // llhttp skips chunk extensions without validating names; the gateway drops them when it re-frames.
        Case(
            name: "chunk extension without a name",
            raw: post("Transfer-Encoding: chunked\r\n", "2;=\r\n{}\r\n0\r\n\r\n")),
        Case(name: "chunk extension", raw: post("Transfer-Encoding: chunked\r\n", "2;a=b\r\n{}\r\n0\r\n\r\n")),
        Case(
            name: "quoted chunk extension",
            raw: post("Transfer-Encoding: chunked\r\n", "2;a=\"x;y\"\r\n{}\r\n0;z=1\r\n\r\n")),
        Case(
            name: "huge chunk extension (32 KiB)",
            raw: post("Transfer-Encoding: chunked\r\n", "2;a=\(hugeExtension)\r\n{}\r\n0\r\n\r\n")),
        Case(
            name: "trailer fields",
            raw: post("Transfer-Encoding: chunked\r\n", "2\r\n{}\r\n0\r\nX-Trailer: 1\r\n\r\n")),
        Case(
            name: "chunks holding a request",
            raw: post(
                "Transfer-Encoding: chunked\r\n",
                "\(String(smuggled.utf8.count, radix: 16))\r\n\(smuggled)\r\n0\r\n\r\n"),
            body: smuggled),
        Case(
            name: "CL covering a request", raw: post("Content-Length: \(smuggled.utf8.count)\r\n", smuggled),
            body: smuggled),
        Case(name: "leading empty line", raw: "\r\n" + post("Content-Length: 2\r\n", "{}")),
        // llhttp skips repeated spaces in the request line; the target is still unambiguous.
        Case(
            name: "double space after method",
            raw: "POST  /actions/echo HTTP/1.1\r\n\(browser)Content-Length: 2\r\n\r\n{}"),
        Case(
            name: "two spaces before version",
            raw: "POST /actions/echo  HTTP/1.1\r\n\(browser)Content-Length: 2\r\n\r\n{}"),
    ]

    /// Parsed unambiguously, so harmless to a gateway that re-frames: exactly one well-formed
    /// request reaches the upstream, with the body as framed and none of the client's framing.
    @Test(arguments: tolerated)
    func toleratedAndReframed(_ testCase: Case) async throws {
        try await SecurityFixture.with { fixture in
            let client = try await fixture.harness.connect()
            try await client.send(testCase.raw)
            let response = try await client.readResponse()
            #expect(response.status == 200)
            // Anything smuggled would be forwarded before the probe on this connection.
            if !client.isClosedByPeer {
                try await client.send("GET /probe HTTP/1.1\r\nHost: app.example.com\r\n\r\n")
                #expect(try await client.readResponse().status == 200)
            }
            await client.close()
            let received = fixture.upstream.received
            #expect(received.map(\.target).prefix(1) == ["/actions/echo"])
            #expect(received.count <= 2 && received.dropFirst().allSatisfy { $0.target == "/probe" })
            let seen = try #require(received.first)
            #expect(seen.method == "POST")
            #expect(seen.body == Array(testCase.body.utf8))
            fixture.expectWellFramed(seen, testCase.name)
            #expect(seen.header("transfer_encoding") == nil)
            #expect(seen.header("content_length") == nil)
            #expect(seen.header("x-trailer") == nil)
            #expect(seen.header("x-actiongate-action") == "echo")
        }
    }
}
