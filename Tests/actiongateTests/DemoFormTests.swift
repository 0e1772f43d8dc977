import Testing

@testable import actiongate

struct DemoFormTests {
    @Test(arguments: [
        ("name=alice", [("name", "alice")]),
        ("text=a+b%26c%3D", [("text", "a b&c=")]),
        ("%24ACTION_BOUND=AQ-_x&note=1", [("$ACTION_BOUND", "AQ-_x"), ("note", "1")]),
        ("a=&b", [("a", ""), ("b", "")]),
        ("&&a=1&&", [("a", "1")]),
        ("", []),
        ("t=%C3%A9", [("t", "é")]),
    ])
    func decodes(body: String, expected: [(String, String)]) throws {
        let form = try #require(DemoForm(urlencoded: Array(body.utf8)))
        #expect(form.fields.map(\.name) == expected.map(\.0))
        #expect(form.fields.map(\.value) == expected.map(\.1))
    }

    @Test(arguments: ["a=%", "a=%4", "a=%zz", "%=1", "a=%FF", "a=%C3"])
    func refusesMalformedForms(body: String) {
        #expect(DemoForm(urlencoded: Array(body.utf8)) == nil)
    }

    @Test func refusesTooManyFields() {
        let body = (0...DemoForm.maximumFields).map { "f\($0)=x" }.joined(separator: "&")
        #expect(DemoForm(urlencoded: Array(body.utf8)) == nil)
    }

    @Test func firstValueWins() throws {
        let form = try #require(DemoForm(urlencoded: Array("note=1&note=2".utf8)))
        #expect(form.value("note") == "1")
        #expect(form.value("missing") == nil)
    }
}
