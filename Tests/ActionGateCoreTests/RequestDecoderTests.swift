import Testing

@testable import ActionGateCore

/// `RequestDecoder`, the in-place decoder of client requests: request line, fields, the framing
/// checks (what used to run after llhttp as `RequestFraming.check`), bodies, pipelining, and the
/// stops. Every case is also decoded one byte at a time, which must give the same result.
@Suite struct RequestDecoderTests {
    struct Decoded: Equatable {
        var heads: [DecodedRequestHead] = []
        var bodies: [[UInt8]] = []
        var ends = 0
        var error: RequestDecodingError?
    }

    static func decode(_ pieces: [[UInt8]], maxHeadBytes: Int = 16 * 1024, maxHeaderCount: Int = 100) -> Decoded {
        var decoder = RequestDecoder(maxHeadBytes: maxHeadBytes, maxHeaderCount: maxHeaderCount)
        var result = Decoded()
        var pending: [UInt8] = []
        do {
            for piece in pieces {
                pending += piece
                var offset = 0
                while true {
                    let (consumed, event) = try pending[offset...].withUnsafeBufferPointer { try decoder.decode($0) }
                    #expect(consumed >= 0 && offset + consumed <= pending.count)
                    guard let event else {
                        offset += consumed
                        break
                    }
                    switch event {
                    case .head(let head):
                        result.heads.append(head)
                        result.bodies.append([])
                    case .body(let range):
                        #expect(range.upperBound == consumed && !range.isEmpty)
                        result.bodies[result.bodies.count - 1] +=
                            pending[(offset + range.lowerBound)..<(offset + range.upperBound)]
                    case .end:
                        result.ends += 1
                    }
                    offset += consumed
                }
                pending.removeFirst(offset)
            }
        } catch let error as RequestDecodingError {
            result.error = error
        } catch {
            Issue.record("not a RequestDecodingError: \(error)")
        }
        return result
    }

    /// `text` decoded whole, checked to decode the same one byte at a time.
    static func decodeBothWays(_ text: String, maxHeadBytes: Int = 16 * 1024) -> Decoded {
        let bytes = Array(text.utf8)
        let whole = decode([bytes], maxHeadBytes: maxHeadBytes)
        let split = decode(bytes.map { [$0] }, maxHeadBytes: maxHeadBytes)
        #expect(whole == split, "one byte at a time")
        return whole
    }

    struct FramingCase: Sendable, CustomTestStringConvertible {
        var name: String
        var version = "HTTP/1.1"
        var target = "/"
        var headers: [(String, String)] = [("Host", "a")]
        var expected: Result<RequestBodyFraming, FramingViolation>
        var testDescription: String { name }
    }

    static let framingCases: [FramingCase] = [
        FramingCase(name: "no body", expected: .success(.none)),
        FramingCase(
            name: "content-length", headers: [("Host", "a"), ("Content-Length", "12")],
            expected: .success(.contentLength(12))),
        FramingCase(name: "zero length", headers: [("Host", "a"), ("Content-Length", "0")], expected: .success(.none)),
        FramingCase(
            name: "chunked", headers: [("Host", "a"), ("Transfer-Encoding", " Chunked\t")], expected: .success(.chunked)
        ),
        FramingCase(
            name: "gzip, chunked", headers: [("Host", "a"), ("Transfer-Encoding", "gzip, chunked")],
            expected: .failure(.unsupportedTransferEncoding)),
        FramingCase(
            name: "two TE",
            headers: [("Host", "a"), ("Transfer-Encoding", "chunked"), ("transfer-encoding", "chunked")],
            expected: .failure(.unsupportedTransferEncoding)),
        FramingCase(
            name: "CL and TE", headers: [("Host", "a"), ("Content-Length", "1"), ("Transfer-Encoding", "chunked")],
            expected: .failure(.contentLengthWithTransferEncoding)),
        FramingCase(
            name: "two CL", headers: [("Host", "a"), ("Content-Length", "1"), ("content-length", "1")],
            expected: .failure(.multipleContentLengths)),
        FramingCase(
            name: "CL overflow", headers: [("Host", "a"), ("Content-Length", "99999999999999999999")],
            expected: .failure(.invalidContentLength)),
        FramingCase(
            name: "CL letters", headers: [("Host", "a"), ("Content-Length", "1e3")],
            expected: .failure(.invalidContentLength)),
        FramingCase(
            name: "TE on 1.0", version: "HTTP/1.0", headers: [("Transfer-Encoding", "chunked")],
            expected: .failure(.transferEncodingInHTTP10)),
        FramingCase(name: "1.0 without host", version: "HTTP/1.0", headers: [], expected: .success(.none)),
        FramingCase(name: "1.1 without host", headers: [], expected: .failure(.missingHost)),
        FramingCase(name: "two hosts", headers: [("Host", "a"), ("host", "b")], expected: .failure(.multipleHosts)),
        FramingCase(name: "absolute-form", target: "http://a/", expected: .failure(.targetNotOriginForm)),
        FramingCase(name: "authority-form", target: "a:443", expected: .failure(.targetNotOriginForm)),
        FramingCase(name: "asterisk", target: "*", expected: .failure(.targetNotOriginForm)),
        FramingCase(name: "empty target", target: "", expected: .failure(.parseError)),
        FramingCase(name: "fragment", target: "/a?b#c", expected: .failure(.fragmentInTarget)),
        FramingCase(name: "backslash in path", target: "/a\\b", expected: .failure(.backslashInPath)),
        FramingCase(name: "backslash in query", target: "/a?b=\\", expected: .success(.none)),
        FramingCase(name: "HTTP/2.0", version: "HTTP/2.0", expected: .failure(.unsupportedVersion)),
        FramingCase(name: "HTTP/1.2", version: "HTTP/1.2", expected: .failure(.unsupportedVersion)),
        FramingCase(name: "HTTP/1.x", version: "HTTP/1.x", expected: .failure(.parseError)),
        FramingCase(
            name: "too many fields", headers: [("Host", "a")] + (0..<100).map { ("X-\($0)", "v") },
            expected: .failure(.tooManyHeaderFields)),
    ]

    @Test(arguments: framingCases)
    func framing(_ testCase: FramingCase) {
        let text =
            "POST \(testCase.target) \(testCase.version)\r\n"
            + testCase.headers.map { "\($0.0): \($0.1)\r\n" }.joined() + "\r\n"
        let decoded = Self.decodeBothWays(text)
        let result = decoded.error.map { .failure($0.violation) } ?? decoded.heads.first.map { $0.framing.map(\.body) }
        #expect(result == testCase.expected)
    }

    @Test func flags() throws {
        let upgrade = Self.decodeBothWays(
            "GET / HTTP/1.1\r\nHost: a\r\nUpgrade: h2c\r\nExpect: 100-Continue\r\nContent-Length: 3\r\n\r\nabc")
        let framing = try #require(try upgrade.heads.first?.framing.get())
        #expect(framing.asksUpgrade && framing.expectsContinue && framing.keepAlive)
        let http10 = Self.decodeBothWays("GET / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n")
        let old = try #require(try http10.heads.first?.framing.get())
        #expect(!old.expectsContinue && !old.keepAlive && old.isHTTP10)
        let kept = Self.decodeBothWays("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")
        #expect(try kept.heads.first?.framing.get().keepAlive == true)
        let closed = Self.decodeBothWays("GET / HTTP/1.1\r\nHost: a\r\nConnection: foo, close\r\n\r\n")
        #expect(try closed.heads.first?.framing.get().keepAlive == false)
    }

    @Test func headFieldsAndRequestLine() {
        let decoded = Self.decodeBothWays(
            "\r\n\r\nPOST  /a?b=c   HTTP/1.1\r\nHost: a\r\nX_A:\t b é \r\nContent-Length: 2\r\n\r\nhi")
        #expect(decoded.error == nil && decoded.ends == 1 && decoded.bodies == [Array("hi".utf8)])
        let head = decoded.heads.first
        #expect(head?.method == "POST" && head?.target == "/a?b=c" && head?.minorVersion == 1)
        #expect(head?.fields == HeaderFields([("Host", "a"), ("X_A", "b é"), ("Content-Length", "2")]))
    }

    @Test func pipelinedRequestsDecodeInOrder() {
        let decoded = Self.decodeBothWays(
            "POST /1 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"
                + "POST /2 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "2;x=\"y\"\r\nde\r\n1\r\nf\r\n0\r\nT: 1\r\n\r\n"
                + "GET /3 HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(decoded.error == nil && decoded.ends == 3)
        #expect(decoded.heads.map(\.target) == ["/1", "/2", "/3"])
        #expect(decoded.bodies == [Array("abc".utf8), Array("def".utf8), []])
    }

    @Test func chunkExtensionsAreSkippedLikeLLHTTP() {
        let huge = String(repeating: "e", count: 32 * 1024)
        for chunk in ["2;=\r\nab\r\n", "2;a=\(huge)\r\nab\r\n", "2 ;a\r\nab\r\n", "2;a=\"x;y\"\r\nab\r\n"] {
            let decoded = Self.decode([
                Array("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n\(chunk)0\r\n\r\n".utf8)
            ])
            #expect(decoded.error == nil && decoded.bodies == [Array("ab".utf8)], "\(chunk.prefix(20))")
        }
        let tooLong = String(repeating: "e", count: RequestDecoder.maxChunkLineBytes)
        let refused = Self.decode([
            Array("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2;\(tooLong)\r\nab\r\n".utf8)
        ])
        #expect(refused.error?.violation == .parseError)
    }

    @Test func decodingStopsAfterAnUpgradeRequestOrARefusedFraming() {
        let upgrade = Self.decodeBothWays(
            "GET / HTTP/1.1\r\nHost: a\r\nUpgrade: h2c\r\n\r\nPRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
        #expect(upgrade.error == nil && upgrade.heads.count == 1 && upgrade.ends == 1)
        let connect = Self.decodeBothWays("CONNECT / HTTP/1.1\r\nHost: a\r\n\r\nGET /tunnelled HTTP/1.1\r\n\r\n")
        #expect(connect.error == nil && connect.heads.count == 1 && connect.ends == 1)
        #expect((try? connect.heads.first?.framing.get())?.asksUpgrade == true)
        let refused = Self.decodeBothWays(
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nGET /smuggled HTTP/1.1\r\n\r\n"
        )
        #expect(refused.error == nil && refused.heads.count == 1 && refused.ends == 0)
        #expect(refused.heads.first?.framing == .failure(.multipleContentLengths))
    }

    @Test(arguments: [
        "GET / HTTP/1.1\nHost: a\r\n\r\n", "GET / HTTP/1.1\r\nHost: a\n\n", "GET / HTTP/1.1\r\nHost: a\r\n\n",
        "GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", "GET / HTTP/1.1\r\nHost: a\r\nX: b\r\n c\r\n\r\n",
        "GET / HTTP/1.1\r\n Host: a\r\n\r\n", "GET / HTTP/1.1\r\nHost: a\r\nX : b\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nX: \u{0}\r\n\r\n", "GET / HTTP/1.1\r\nHost: a\r\nX\u{7F}: b\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\n: b\r\n\r\n", "GET / HTTP/1.1\r\nHost: a\r\nXA\r\n\r\n",
        "get / HTTP/1.1\r\nHost: a\r\n\r\n", "FOO / HTTP/1.1\r\nHost: a\r\n\r\n", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
        "GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n", "GET / HTTP/1.1 \r\nHost: a\r\n\r\n",
        "GET / HTTP/1.1 x\r\nHost: a\r\n\r\n",
        "GET /\r\nHost: a\r\n\r\n", "GET / http/1.1\r\nHost: a\r\n\r\n", "GET /a b HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET /é HTTP/1.1\r\nHost: a\r\n\r\n", "GET /a\u{1} HTTP/1.1\r\nHost: a\r\n\r\n",
        "\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", "\rGET / HTTP/1.1\r\nHost: a\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3 \r\nabc\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc\n0\n\n",
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n folded: x\r\n\r\n",
    ])
    func malformedRequestsAreRefused(_ text: String) {
        #expect(Self.decode([Array(text.utf8)]).error?.violation == .parseError)
        #expect(Self.decode(Array(text.utf8).map { [$0] }).error?.violation == .parseError, "one byte at a time")
    }

    /// A header value must reach the upstream as it came: bytes that are not UTF-8 (ISO-8859-1
    /// `café`, a cut 4-byte sequence) cannot be held unchanged, so the request is refused rather
    /// than forwarded with U+FFFD in their place. UTF-8 text passes byte for byte.
    @Test func headerValuesThatAreNotUTF8AreRefused() {
        let prefix = Array("GET / HTTP/1.1\r\nHost: a\r\nX: ".utf8)
        let suffix = Array("\r\n\r\n".utf8)
        for value: [UInt8] in [[0x63, 0x61, 0x66, 0xE9], [0xF0, 0x9F, 0x98], [0xC0, 0xAF], [0xED, 0xA0, 0x80]] {
            let message = prefix + value + suffix
            #expect(Self.decode([message]).error?.violation == .parseError, "\(value)")
            #expect(Self.decode(message.map { [$0] }).error?.violation == .parseError, "\(value), one byte at a time")
        }
        let utf8 = Self.decode([prefix + Array("caf\u{E9} \u{1F600}".utf8) + suffix])
        #expect(utf8.error == nil)
        #expect(utf8.heads.first?.fields.first("X").map { Array($0.utf8) } == Array("caf\u{E9} \u{1F600}".utf8))
    }

    @Test func headLimitCoversRequestLineAndFields() {
        let big = "GET /" + String(repeating: "a", count: 200) + " HTTP/1.1\r\nHost: a\r\n\r\n"
        #expect(Self.decode([Array(big.utf8)], maxHeadBytes: 100).error?.violation == .headTooLarge)
        #expect(Self.decode(Array(big.utf8).map { [$0] }, maxHeadBytes: 100).error?.violation == .headTooLarge)
        #expect(Self.decode([Array(big.utf8)], maxHeadBytes: 300).error == nil)
        let padded = "GET / HTTP/1.1\r\nHost: a\r\nX:" + String(repeating: " ", count: 400) + "b\r\n\r\n"
        #expect(Self.decode([Array(padded.utf8)], maxHeadBytes: 300).error?.violation == .headTooLarge)
    }

    @Test func everyLLHTTPMethodIsAccepted() {
        for method in RequestHeadParser.methods.sorted() {
            let decoded = Self.decode([Array("\(method) / HTTP/1.1\r\nHost: a\r\n\r\n".utf8)])
            #expect(decoded.heads.first?.method == method && decoded.ends == 1, "\(method)")
        }
    }

    @Test func methodsAreMatchedExactlyAndCaseSensitively() {
        // The literal fast paths (POST, GET, HEAD) and the set must refuse the same near misses.
        for method in [
            "post", "Post", "POS", "POSTT", "get", "GETX", "GE", "head", "HEADS", "PRI", "P\u{0}ST", "POST\t",
        ] {
            let decoded = Self.decode([Array("\(method) / HTTP/1.1\r\nHost: a\r\n\r\n".utf8)])
            #expect(decoded.error?.violation == .parseError && decoded.heads.isEmpty, "\(method.debugDescription)")
        }
        #expect(RequestHeadParser.knownMethod(UnsafeBufferPointer(start: nil, count: 0)) == nil)
        let long = Array(repeating: UInt8(ascii: "A"), count: 17)
        #expect(long.withUnsafeBufferPointer { RequestHeadParser.knownMethod($0) } == nil)
    }
}
