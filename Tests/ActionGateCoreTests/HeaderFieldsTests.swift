import Testing

@testable import ActionGateCore

@Suite("HeaderFields")
struct HeaderFieldsTests {
    @Test func lookupsIgnoreASCIICase() {
        let headers = HeaderFields([("Content-Type", "a"), ("content-type", "b"), ("Accept", "c")])
        #expect(headers.values("CONTENT-TYPE") == ["a", "b"])
        #expect(headers.first("content-TYPE") == "a")
        #expect(headers.contains("accept"))
        #expect(!headers.contains("accept-"))
        #expect(headers.first("missing") == nil)
    }

    @Test func mutationsKeepOrder() {
        var headers = HeaderFields([("A", "1"), ("B", "2"), ("a", "3")])
        headers.add("C", "4")
        headers.replace("a", "5")
        #expect(headers == HeaderFields([("B", "2"), ("C", "4"), ("a", "5")]))
        headers.removeAll { $0.value == "4" }
        headers.remove("B")
        #expect(headers.fields.map(\.name) == ["a"])
    }

    @Test(arguments: [
        ("abc", "ABC", true), ("x-ActionGate", "X-ACTIONGATE", true), ("a", "ab", false), ("", "", true),
        ("é", "É", false), ("a_b", "a-b", false), ("[", "{", false), ("@", "`", false),
    ])
    func asciiCaseInsensitiveEquality(_ a: String, _ b: String, _ equal: Bool) {
        #expect(a.asciiCaseInsensitiveEquals(b) == equal)
        #expect(b.asciiCaseInsensitiveEquals(a) == equal)
    }
}
