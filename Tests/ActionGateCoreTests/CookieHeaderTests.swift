import Testing

@testable import ActionGateCore

@Suite("CookieHeader")
struct CookieHeaderTests {
    static let session = "__Host-actiongate"

    struct Parsing: Sendable, CustomTestStringConvertible {
        var values: [String]
        var pairs: [(String, String)]
        var testDescription: String { values.joined(separator: " | ") }
    }

    static let parsing: [Parsing] = [
        Parsing(values: [], pairs: []),
        Parsing(values: [""], pairs: []),
        Parsing(values: ["a=1"], pairs: [("a", "1")]),
        Parsing(values: ["a=1; b=2"], pairs: [("a", "1"), ("b", "2")]),
        Parsing(values: ["a=1;b=2;  c=3 "], pairs: [("a", "1"), ("b", "2"), ("c", "3")]),
        Parsing(values: ["a=1", "b=2"], pairs: [("a", "1"), ("b", "2")]),
        Parsing(values: ["a="], pairs: [("a", "")]),
        Parsing(values: ["a=b=c"], pairs: [("a", "b=c")]),
        Parsing(values: [#"a="quoted""#], pairs: [("a", #""quoted""#)]),
        Parsing(values: ["a = 1"], pairs: [("a", "1")]),
        // Junk is skipped, never fatal.
        Parsing(values: ["junk; a=1"], pairs: [("a", "1")]),
        Parsing(values: ["=1; a=2"], pairs: [("a", "2")]),
        Parsing(values: [";;;a=1;;"], pairs: [("a", "1")]),
        Parsing(values: ["a=1\u{1}x; b=2"], pairs: [("b", "2")]),
        Parsing(values: ["a=\u{0}; b=2"], pairs: [("b", "2")]),
        Parsing(values: ["\u{e9}t\u{e9}=caf\u{e9}"], pairs: [("\u{e9}t\u{e9}", "caf\u{e9}")]),
    ]

    @Test(arguments: parsing)
    func parses(_ example: Parsing) {
        let header = CookieHeader(example.values)
        #expect(header.pairs.map(\.name) == example.pairs.map(\.0))
        #expect(header.pairs.map(\.value) == example.pairs.map(\.1))
        #expect(!header.isTruncated)
    }

    struct Finding: Sendable, CustomTestStringConvertible {
        var values: [String]
        var lookup: CookieHeader.Lookup
        var forwarded: String?
        var testDescription: String { values.joined(separator: " | ") }
    }

    static let finding: [Finding] = [
        Finding(values: [], lookup: .absent, forwarded: nil),
        Finding(values: ["a=1"], lookup: .absent, forwarded: "a=1"),
        Finding(values: ["\(session)=tok"], lookup: .found("tok"), forwarded: nil),
        Finding(values: ["a=1; \(session)=tok; b=2"], lookup: .found("tok"), forwarded: "a=1; b=2"),
        Finding(values: ["a=1", "\(session)=tok"], lookup: .found("tok"), forwarded: "a=1"),
        Finding(values: ["\(session)=t1; \(session)=t2"], lookup: .duplicated, forwarded: nil),
        Finding(values: ["\(session)=t1", "a=1; \(session)=t2"], lookup: .duplicated, forwarded: "a=1"),
        Finding(values: ["\(session)="], lookup: .found(""), forwarded: nil),
        // Names are case-sensitive: look-alikes are other cookies, forwarded as they are.
        Finding(values: ["__host-actiongate=x"], lookup: .absent, forwarded: "__host-actiongate=x"),
        Finding(values: ["  \(session)  =  tok  "], lookup: .found("tok"), forwarded: nil),
        Finding(values: ["\(session)x=1"], lookup: .absent, forwarded: "\(session)x=1"),
        Finding(values: ["junk; \(session)=tok"], lookup: .found("tok"), forwarded: nil),
    ]

    @Test(arguments: finding)
    func findsAndRemovesTheSessionCookie(_ example: Finding) {
        let header = CookieHeader(example.values)
        #expect(header.lookup(Self.session) == example.lookup)
        #expect(header.serialized(removing: Self.session) == example.forwarded)
    }

    /// Names are compared by their bytes: a name spelled with U+212A KELVIN SIGN for `K` (equal to
    /// the ASCII spelling as a Swift `String`) is another cookie, as a browser keeps it.
    @Test func aCanonicallyEquivalentNameIsAnotherCookie() {
        let kelvin = "__Host-\u{212A}ey"
        #expect(kelvin == "__Host-Key")
        let header = CookieHeader(["\(kelvin)=x; __Host-Key=tok"])
        #expect(header.lookup("__Host-Key") == .found("tok"))
        #expect(header.serialized(removing: "__Host-Key") == "\(kelvin)=x")
        #expect(CookieHeader(["\(kelvin)=x"]).lookup("__Host-Key") == .absent)
    }

    @Test func pairsBeyondTheBoundAreIgnoredAndFlagged() {
        let value = (0..<10).map { "c\($0)=\($0)" }.joined(separator: "; ")
        let header = CookieHeader([value, "\(Self.session)=tok"], maxPairs: 5)
        #expect(header.pairs.count == 5)
        #expect(header.isTruncated)
        #expect(header.lookup(Self.session) == .absent)
    }

    @Test func hugeHeaderStaysBounded() {
        let value = String(repeating: "a=1;", count: 50_000)
        let header = CookieHeader([value])
        #expect(header.pairs.count == CookieHeader.defaultMaxPairs)
        #expect(header.isTruncated)
    }
}
