import ActionGateCore
import ActionGateServer
import Testing

/// DESIGN.md step 1 over a raw socket: each malformed request gets its status, the connection
/// closes, and the upstream sees nothing.
@Suite struct ParserDefenceTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var raw: String
        var status = 400
        var testDescription: String { name }
    }

    static let refused: [Case] = [
        Case(
            name: "CL+TE",
            raw:
                "POST /body/999 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
        ),
        Case(
            name: "TE+CL",
            raw:
                "POST /body/999 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n"
        ),
        Case(
            name: "duplicate CL, same",
            raw: "POST /body/999 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc"),
        Case(
            name: "duplicate CL, different",
            raw: "POST /body/999 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd"),
        Case(name: "CL list", raw: "POST /body/999 HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\n\r\nabc"),
        Case(name: "CL sign", raw: "POST /body/999 HTTP/1.1\r\nHost: a\r\nContent-Length: +3\r\n\r\nabc"),
        Case(name: "CL negative", raw: "POST /body/999 HTTP/1.1\r\nHost: a\r\nContent-Length: -3\r\n\r\nabc"),
        Case(name: "CL empty", raw: "POST /body/999 HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\nabc"),
        Case(
            name: "CL overflow",
            raw: "POST /body/999 HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999\r\n\r\n"),
        Case(
            name: "TE chunked, identity",
            raw: "POST /body/999 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n"),
        Case(name: "TE identity", raw: "POST /body/999 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\n\r\nabc"),
        Case(
            name: "TE xchunked",
            raw: "POST /body/999 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"),
        Case(
            name: "TE gzip, chunked",
            raw: "POST /body/999 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"),
        Case(
            name: "TE twice",
            raw:
                "POST /body/999 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
        ),
        Case(
            name: "TE space before colon",
            raw: "POST /body/999 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n"),
        Case(
            name: "TE vertical tab",
            raw: "POST /body/999 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \u{0B}chunked\r\n\r\n0\r\n\r\n"),
        Case(
            name: "TE on HTTP/1.0",
            raw: "POST /body/999 HTTP/1.0\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        Case(name: "obs-fold space", raw: "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n"),
        Case(name: "obs-fold tab", raw: "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n\tc\r\n\r\n"),
        Case(name: "whitespace before first field", raw: "GET / HTTP/1.1\r\n Host: a\r\n\r\n"),
        Case(name: "NUL in value", raw: "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\u{0}c\r\n\r\n"),
        Case(name: "bare CR in value", raw: "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\rc\r\n\r\n"),
        Case(name: "control byte in value", raw: "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\u{01}c\r\n\r\n"),
        Case(name: "DEL in value", raw: "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\u{7F}c\r\n\r\n"),
        Case(name: "NUL in name", raw: "GET / HTTP/1.1\r\nHost: a\r\nX\u{0}A: b\r\n\r\n"),
        Case(name: "separator in name", raw: "GET / HTTP/1.1\r\nHost: a\r\nX(A): b\r\n\r\n"),
        Case(name: "empty name", raw: "GET / HTTP/1.1\r\nHost: a\r\n: b\r\n\r\n"),
        Case(name: "field without colon", raw: "GET / HTTP/1.1\r\nHost: a\r\nXA\r\n\r\n"),
        Case(name: "bare LF everywhere", raw: "GET / HTTP/1.1\nHost: a\n\n"),
        Case(name: "bare LF after a field", raw: "GET / HTTP/1.1\r\nHost: a\nX-A: b\r\n\r\n"),
        Case(name: "bare LF ending the head", raw: "GET / HTTP/1.1\r\nHost: a\r\n\n"),
        Case(name: "absolute-form target", raw: "GET http://evil.test/x HTTP/1.1\r\nHost: a\r\n\r\n"),
        Case(name: "authority-form target", raw: "CONNECT evil.test:443 HTTP/1.1\r\nHost: evil.test:443\r\n\r\n"),
        Case(name: "asterisk-form target", raw: "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n"),
        Case(name: "fragment in target", raw: "GET /a#b HTTP/1.1\r\nHost: a\r\n\r\n"),
        Case(name: "backslash in path", raw: "GET /a\\..\\b HTTP/1.1\r\nHost: a\r\n\r\n"),
        Case(name: "space in target", raw: "GET /a b HTTP/1.1\r\nHost: a\r\n\r\n"),
        Case(name: "control byte in target", raw: "GET /a\u{01} HTTP/1.1\r\nHost: a\r\n\r\n"),
        Case(name: "non-ASCII target", raw: "GET /é HTTP/1.1\r\nHost: a\r\n\r\n"),
        Case(name: "junk after version", raw: "GET / HTTP/1.1 extra\r\nHost: a\r\n\r\n"),
        Case(name: "lower-case method", raw: "get / HTTP/1.1\r\nHost: a\r\n\r\n"),
        Case(name: "unknown method", raw: "FOO / HTTP/1.1\r\nHost: a\r\n\r\n"),
        Case(name: "HTTP/0.9", raw: "GET /\r\n\r\n"),
        Case(name: "HTTP/1.2", raw: "GET / HTTP/1.2\r\nHost: a\r\n\r\n"),
        Case(name: "HTTP/2.0", raw: "GET / HTTP/2.0\r\nHost: a\r\n\r\n"),
        Case(name: "lower-case protocol", raw: "GET / http/1.1\r\nHost: a\r\n\r\n"),
        Case(name: "HTTP/2 preface", raw: "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
        Case(name: "missing Host", raw: "GET / HTTP/1.1\r\n\r\n"),
        Case(name: "two Hosts", raw: "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
        Case(
            name: "bad chunk size",
            raw: "POST /body/999 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n"),
        Case(
            name: "chunk size overflow",
            raw: "POST /body/999 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\n"),
        Case(
            name: "space after chunk size",
            raw: "POST /body/999 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3 \r\nabc\r\n0\r\n\r\n"),
        Case(
            name: "bare LF in chunks",
            raw: "POST /body/999 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc\n0\n\n"),
        Case(
            name: "chunk without CRLF",
            raw: "POST /body/999 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX0\r\n\r\n"),
        Case(
            name: "huge field",
            raw: "GET / HTTP/1.1\r\nHost: a\r\nX-Big: \(String(repeating: "a", count: 17_000))\r\n\r\n", status: 431),
        Case(
            name: "huge target", raw: "GET /\(String(repeating: "a", count: 17_000)) HTTP/1.1\r\nHost: a\r\n\r\n",
            status: 431),
        Case(
            name: "too many fields",
            raw: "GET / HTTP/1.1\r\nHost: a\r\n" + (0..<120).map { "X-\($0): v\r\n" }.joined() + "\r\n",
            status: 431
        ),
        Case(
            name: "whitespace padding",
            raw: "GET / HTTP/1.1\r\nHost: a\r\nX-A:" + String(repeating: " ", count: 40_000) + "b\r\n\r\n",
            status: 431
        ),
    ]

    @Test(arguments: refused)
    func refusedAtTheBoundary(_ testCase: Case) async throws {
        try await GatewayHarness.with { gateway in
            let client = try await gateway.connect()
            try await client.send(testCase.raw)
            let response = try await client.readResponse()
            #expect(response.status == testCase.status)
            let reason = testCase.status == 431 ? "headers_too_large" : "malformed_request"
            #expect(response.bodyText.contains("\"error\":\"\(reason)\""))
            #expect(response.header("content-type") == "application/json")
            #expect(response.header("connection") == "close")
            #expect(await client.waitForClose())
            #expect(gateway.upstream.received.isEmpty)
            #expect(gateway.upstream.connectionCount == 0)
        }
    }

    static let tolerated: [Case] = [
        Case(name: "leading empty line", raw: "\r\nGET /x HTTP/1.1\r\nHost: a\r\n\r\n"),
        Case(name: "double space after method", raw: "GET  /x HTTP/1.1\r\nHost: a\r\n\r\n"),
        Case(name: "HTTP/1.0 without Host", raw: "GET /x HTTP/1.0\r\n\r\n"),
        Case(name: "underscore in a name", raw: "GET /x HTTP/1.1\r\nHost: a\r\nX_A: b\r\n\r\n"),
        Case(name: "UTF-8 in a value", raw: "GET /x HTTP/1.1\r\nHost: a\r\nX-A: bé\r\n\r\n"),
        Case(
            name: "Chunked in capitals",
            raw: "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n0\r\n\r\n"),
        Case(
            name: "tab before chunked",
            raw: "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\tchunked \r\n\r\n0\r\n\r\n"),
        Case(
            name: "chunk extension",
            raw: "POST /body/99 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3;a=b\r\nabc\r\n0\r\n\r\n"),
        Case(
            name: "trailers",
            raw:
                "POST /body/99 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-T: 1\r\n\r\n"
        ),
    ]

    /// Parsed unambiguously by NIO's decoder, so harmless to a gateway that re-frames: exactly one
    /// well-formed request reaches the upstream, without the client's framing fields.
    @Test(arguments: tolerated)
    func toleratedAndReframed(_ testCase: Case) async throws {
        try await GatewayHarness.with { gateway in
            let response = try await gateway.roundTrip(testCase.raw)
            #expect(response.status == 200)
            let received = gateway.upstream.received
            #expect(received.count == 1)
            #expect(received.first?.version == .http1_1)
            #expect(received.first?.header("transfer-encoding") == nil)
            #expect(received.first?.header("x-t") == nil)
        }
    }
}
