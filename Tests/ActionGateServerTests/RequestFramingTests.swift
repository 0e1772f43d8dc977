import NIOHTTP1
import Testing

@testable import ActionGateServer

@Suite struct RequestFramingTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var version: HTTPVersion = .http1_1
        var target = "/"
        var headers: [(String, String)] = [("Host", "a")]
        var expected: Result<RequestBodyFraming, FramingViolation>
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "no body", expected: .success(.none)),
        Case(
            name: "content-length", headers: [("Host", "a"), ("Content-Length", "12")],
            expected: .success(.contentLength(12))),
        Case(name: "zero length", headers: [("Host", "a"), ("Content-Length", "0")], expected: .success(.none)),
        Case(
            name: "chunked", headers: [("Host", "a"), ("Transfer-Encoding", " Chunked\t")], expected: .success(.chunked)
        ),
        Case(
            name: "gzip, chunked", headers: [("Host", "a"), ("Transfer-Encoding", "gzip, chunked")],
            expected: .failure(.unsupportedTransferEncoding)),
        Case(
            name: "two TE",
            headers: [("Host", "a"), ("Transfer-Encoding", "chunked"), ("transfer-encoding", "chunked")],
            expected: .failure(.unsupportedTransferEncoding)),
        Case(
            name: "CL and TE", headers: [("Host", "a"), ("Content-Length", "1"), ("Transfer-Encoding", "chunked")],
            expected: .failure(.contentLengthWithTransferEncoding)),
        Case(
            name: "two CL", headers: [("Host", "a"), ("Content-Length", "1"), ("content-length", "1")],
            expected: .failure(.multipleContentLengths)),
        Case(
            name: "CL overflow", headers: [("Host", "a"), ("Content-Length", "99999999999999999999")],
            expected: .failure(.invalidContentLength)),
        Case(
            name: "CL letters", headers: [("Host", "a"), ("Content-Length", "1e3")],
            expected: .failure(.invalidContentLength)),
        Case(
            name: "TE on 1.0", version: .http1_0, headers: [("Transfer-Encoding", "chunked")],
            expected: .failure(.transferEncodingInHTTP10)),
        Case(name: "1.0 without host", version: .http1_0, headers: [], expected: .success(.none)),
        Case(name: "1.1 without host", headers: [], expected: .failure(.missingHost)),
        Case(name: "two hosts", headers: [("Host", "a"), ("host", "b")], expected: .failure(.multipleHosts)),
        Case(name: "absolute-form", target: "http://a/", expected: .failure(.targetNotOriginForm)),
        Case(name: "authority-form", target: "a:443", expected: .failure(.targetNotOriginForm)),
        Case(name: "asterisk", target: "*", expected: .failure(.targetNotOriginForm)),
        Case(name: "empty target", target: "", expected: .failure(.targetNotOriginForm)),
        Case(name: "fragment", target: "/a?b#c", expected: .failure(.fragmentInTarget)),
        Case(name: "backslash in path", target: "/a\\b", expected: .failure(.backslashInPath)),
        Case(name: "backslash in query", target: "/a?b=\\", expected: .success(.none)),
        Case(name: "HTTP/2", version: HTTPVersion(major: 2, minor: 0), expected: .failure(.unsupportedVersion)),
        Case(
            name: "too many fields", headers: [("Host", "a")] + (0..<100).map { ("X-\($0)", "v") },
            expected: .failure(.tooManyHeaderFields)),
    ]

    @Test(arguments: cases)
    func framing(_ testCase: Case) {
        let head = HTTPRequestHead(
            version: testCase.version, method: .POST, uri: testCase.target, headers: HTTPHeaders(testCase.headers)
        )
        let result = RequestFraming.check(head, maxHeaderCount: 100).map(\.body)
        #expect(result == testCase.expected)
    }

    @Test func flags() throws {
        let upgrade = HTTPRequestHead(
            version: .http1_1, method: .GET, uri: "/",
            headers: ["Host": "a", "Upgrade": "h2c", "Expect": "100-continue", "Content-Length": "3"]
        )
        let framing = try RequestFraming.check(upgrade, maxHeaderCount: 100).get()
        #expect(framing.asksUpgrade)
        #expect(framing.expectsContinue)
        #expect(framing.keepAlive)

        let http10 = HTTPRequestHead(version: .http1_0, method: .GET, uri: "/", headers: ["Expect": "100-continue"])
        let old = try RequestFraming.check(http10, maxHeaderCount: 100).get()
        #expect(!old.expectsContinue)
        #expect(!old.keepAlive)
        #expect(old.isHTTP10)
    }

    @Test(arguments: [FramingViolation.tooManyHeaderFields, .headTooLarge])
    func sizeViolationsAre431(_ violation: FramingViolation) {
        #expect(violation.rejection().status == 431)
    }

    @Test func otherViolationsAre400() {
        #expect(FramingViolation.targetNotOriginForm.rejection().status == 400)
        #expect(FramingViolation.from(parserError: HTTPParserError.headerOverflow).0 == .headTooLarge)
        #expect(FramingViolation.from(parserError: HTTPParserError.invalidHeaderToken).0 == .parseError)
    }
}
