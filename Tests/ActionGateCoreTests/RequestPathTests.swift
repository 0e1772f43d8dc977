import Testing

@testable import ActionGateCore

@Suite("RequestPath")
struct RequestPathTests {
    struct Accepted: Sendable, CustomTestStringConvertible {
        var raw: String
        var path: String
        var query: String?
        var testDescription: String { raw }
    }

    static let accepted: [Accepted] = [
        Accepted(raw: "/", path: "/"),
        Accepted(raw: "/actions/login", path: "/actions/login"),
        Accepted(raw: "/a/b/", path: "/a/b/"),
        Accepted(raw: "/search?q=1&x=%zz", path: "/search", query: "q=1&x=%zz"),
        Accepted(raw: "/p?", path: "/p", query: ""),
        Accepted(raw: "/p?a=b?c/d", path: "/p", query: "a=b?c/d"),
        // Unreserved escapes are decoded, in either case.
        Accepted(raw: "/%61%64%6D%69%6e", path: "/admin"),
        Accepted(raw: "/a%2Db%5Fc%7Ed%2Ee", path: "/a-b_c~d.e"),
        Accepted(raw: "/%41%5a%30%39", path: "/AZ09"),
        // Other escapes are kept, uppercased.
        Accepted(raw: "/caf%c3%a9", path: "/caf%C3%A9"),
        Accepted(raw: "/a%20b", path: "/a%20b"),
        Accepted(raw: "/a%3bb%3f", path: "/a%3Bb%3F"),
        Accepted(raw: "/100%25", path: "/100%25"),
        Accepted(raw: "/100%25x", path: "/100%25x"),
        // Slash runs collapse.
        Accepted(raw: "//admin", path: "/admin"),
        Accepted(raw: "///a//b///", path: "/a/b/"),
        Accepted(raw: "//", path: "/"),
        // Dots inside a segment are fine.
        Accepted(raw: "/.well-known/x", path: "/.well-known/x"),
        Accepted(raw: "/a/...", path: "/a/..."),
        Accepted(raw: "/a/.b/..c/c..", path: "/a/.b/..c/c.."),
        Accepted(raw: "/a;b=c/d", path: "/a;b=c/d"),
        Accepted(raw: "/_next/static/chunk.js?v=1", path: "/_next/static/chunk.js", query: "v=1"),
        Accepted(raw: "/a:b@c!$&'()*+,=", path: "/a:b@c!$&'()*+,="),
        Accepted(raw: "/Admin", path: "/Admin"),
    ]

    @Test(arguments: accepted)
    func normalises(_ example: Accepted) throws {
        let parsed = try RequestPath(parsing: example.raw)
        #expect(parsed.path == example.path)
        #expect(parsed.query == example.query)
        #expect(parsed.target == example.path + (example.query.map { "?" + $0 } ?? ""))
    }

    struct Refused: Sendable, CustomTestStringConvertible {
        var raw: String
        var error: RequestPathError
        var testDescription: String { "\(raw.prefix(40)) → \(error)" }
    }

    static let refused: [Refused] = [
        Refused(raw: "", error: .empty),
        Refused(raw: "*", error: .asteriskForm),
        Refused(raw: "http://evil.example/admin", error: .absoluteForm),
        Refused(raw: "HTTPS://app.example.com/", error: .absoluteForm),
        Refused(raw: "app.example.com:443", error: .notOriginForm),
        Refused(raw: "admin", error: .notOriginForm),
        Refused(raw: " /admin", error: .notOriginForm),
        Refused(raw: "\\admin", error: .notOriginForm),
        Refused(raw: "/..", error: .dotSegment),
        Refused(raw: "/.", error: .dotSegment),
        Refused(raw: "/a/../admin", error: .dotSegment),
        Refused(raw: "/a/./b", error: .dotSegment),
        Refused(raw: "/a/..", error: .dotSegment),
        Refused(raw: "/a/.?x", error: .dotSegment),
        Refused(raw: "/%2e%2e/admin", error: .dotSegment),
        Refused(raw: "/%2E./admin", error: .dotSegment),
        Refused(raw: "/.%2e", error: .dotSegment),
        Refused(raw: "/a/%2e/b", error: .dotSegment),
        Refused(raw: "/..;/admin", error: .dotSegment),
        Refused(raw: "/.;x=1/admin", error: .dotSegment),
        Refused(raw: "/a//..//b", error: .dotSegment),
        Refused(raw: "/a%2Fb", error: .encodedSlash),
        Refused(raw: "/a%2fb", error: .encodedSlash),
        Refused(raw: "/a%5Cb", error: .backslash),
        Refused(raw: "/a%5cb", error: .backslash),
        Refused(raw: "/a\\b", error: .backslash),
        Refused(raw: "/a%00", error: .encodedNul),
        Refused(raw: "/a%0Ab", error: .encodedControl),
        Refused(raw: "/a%0d", error: .encodedControl),
        Refused(raw: "/a%1F", error: .encodedControl),
        Refused(raw: "/a%7F", error: .encodedControl),
        Refused(raw: "/a%252e%252e/", error: .doubleEncoding),
        Refused(raw: "/%252F", error: .doubleEncoding),
        Refused(raw: "/%2541", error: .doubleEncoding),
        Refused(raw: "/%25%32%65", error: .doubleEncoding),
        Refused(raw: "/%25%34%31", error: .doubleEncoding),
        Refused(raw: "/a%", error: .invalidPercentEncoding),
        Refused(raw: "/a%2", error: .invalidPercentEncoding),
        Refused(raw: "/a%zz", error: .invalidPercentEncoding),
        Refused(raw: "/a%g0", error: .invalidPercentEncoding),
        Refused(raw: "/a%%41", error: .invalidPercentEncoding),
        Refused(raw: "/caf\u{e9}", error: .nonASCII),
        Refused(raw: "/a?q=\u{e9}", error: .nonASCII),
        Refused(raw: "/a b", error: .invalidCharacter),
        Refused(raw: "/a\tb", error: .invalidCharacter),
        Refused(raw: "/a\u{0}b", error: .invalidCharacter),
        Refused(raw: "/a\u{7F}", error: .invalidCharacter),
        Refused(raw: "/a?b c", error: .invalidCharacter),
        Refused(raw: "/a?b\r\n", error: .invalidCharacter),
        Refused(raw: "/a#frag", error: .fragment),
        Refused(raw: "/a?b#frag", error: .fragment),
        Refused(raw: "/" + String(repeating: "a", count: 8192), error: .tooLong),
    ]

    @Test(arguments: refused)
    func refuses(_ example: Refused) {
        #expect(throws: example.error) { try RequestPath(parsing: example.raw) }
        #expect(example.error.reason == .malformedRequest)
    }

    @Test func maxLengthIsInclusive() throws {
        let path = "/" + String(repeating: "a", count: 8191)
        #expect(try RequestPath(parsing: path).path == path)
        #expect(throws: RequestPathError.tooLong) { try RequestPath(parsing: "/abc", maxLength: 3) }
    }

    @Test func normalisationIsIdempotent() throws {
        for example in Self.accepted {
            let once = try RequestPath(parsing: example.raw)
            let twice = try RequestPath(parsing: once.target)
            #expect(twice == once, "\(example.raw)")
        }
    }

    /// Every case-variant and encoding of `..` is refused: the router never sees a path an upstream
    /// would resolve upward.
    @Test(arguments: ["..", ".%2e", "%2e.", "%2e%2e", "%2E%2E", "%2e%2E", ".", "%2e", "%2E"])
    func dotSegmentSpellings(_ segment: String) {
        for template in ["/\(segment)", "/a/\(segment)", "/a/\(segment)/b", "/\(segment);p", "//\(segment)//"] {
            #expect(throws: RequestPathError.dotSegment, "\(template)") { try RequestPath(parsing: template) }
        }
    }

    @Test func everyErrorHasAStableCode() {
        let codes = Set(RequestPathError.allCases.map(\.rawValue))
        #expect(codes.count == RequestPathError.allCases.count)
        #expect(codes.allSatisfy { !$0.isEmpty && $0 == $0.lowercased() })
    }
}
