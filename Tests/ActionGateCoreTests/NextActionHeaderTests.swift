import Testing

@testable import ActionGateCore

@Suite("NextActionHeader")
struct NextActionHeaderTests {
    static let hex40 = String(repeating: "0123456789abcdef", count: 3).prefix(40).description
    static let hex42 = "40" + hex40

    struct Valid: Sendable, CustomTestStringConvertible {
        var value: String
        var id: String
        var shape: ActionIDShape
        var testDescription: String { value }
    }

    static let valid: [Valid] = [
        Valid(value: hex40, id: hex40, shape: .nextJS),
        Valid(value: hex42, id: hex42, shape: .nextJS),
        Valid(value: "  \(hex42)\t", id: hex42, shape: .nextJS),
        Valid(value: "login", id: "login", shape: .configured),
        Valid(value: "posts.create:v2_beta-1", id: "posts.create:v2_beta-1", shape: .configured),
        Valid(value: hex40.uppercased(), id: hex40.uppercased(), shape: .configured),
        Valid(value: String(hex40.dropLast()), id: String(hex40.dropLast()), shape: .configured),
        Valid(value: String(repeating: "a", count: 128), id: String(repeating: "a", count: 128), shape: .configured),
    ]

    @Test(arguments: valid)
    func accepts(_ example: Valid) throws {
        for name in ["Next-Action", "next-action", "NEXT-ACTION"] {
            let header = try NextActionHeader.parse(HeaderFields([("Host", "x"), (name, example.value)]))
            #expect(header?.id == example.id)
            #expect(header?.shape == example.shape)
        }
    }

    @Test func absentIsNil() throws {
        #expect(try NextActionHeader.parse(HeaderFields([("Host", "x"), ("Next_Action", "login")])) == nil)
        #expect(try NextActionHeader.parse(HeaderFields()) == nil)
    }

    struct Invalid: Sendable, CustomTestStringConvertible {
        var values: [String]
        var error: NextActionHeaderError
        var testDescription: String { values.joined(separator: " | ").prefix(50).description }
    }

    static let invalid: [Invalid] = [
        Invalid(values: [hex40, hex40], error: .duplicated),
        Invalid(values: ["a", "b"], error: .duplicated),
        Invalid(values: ["", ""], error: .duplicated),
        Invalid(values: [""], error: .empty),
        Invalid(values: ["   "], error: .empty),
        Invalid(values: ["a,b"], error: .malformed),
        Invalid(values: ["\(hex40), \(hex40)"], error: .malformed),
        Invalid(values: ["a b"], error: .malformed),
        Invalid(values: ["../x"], error: .malformed),
        Invalid(values: ["caf\u{e9}"], error: .malformed),
        Invalid(values: ["x\u{0}"], error: .malformed),
        Invalid(values: [String(repeating: "a", count: 129)], error: .malformed),
        Invalid(values: ["{\"id\":1}"], error: .malformed),
    ]

    @Test(arguments: invalid)
    func refuses(_ example: Invalid) {
        let headers = HeaderFields(example.values.map { ("Next-Action", $0) })
        #expect(throws: example.error) { try NextActionHeader.parse(headers) }
        #expect(example.error.reason == .invalidActionID)
    }

    @Test func caseVariantsOfTheNameCountAsDuplicates() {
        let headers = HeaderFields([("Next-Action", "a"), ("next-ACTION", "a")])
        #expect(throws: NextActionHeaderError.duplicated) { try NextActionHeader.parse(headers) }
    }

    @Test(
        arguments: [
            ("", nil), ("a", ActionIDShape.configured), (hex40, .nextJS), (hex42, .nextJS),
            (String(repeating: "a", count: 41), .configured), ("ABCDEF" + hex40.dropFirst(6), .configured),
            ("a/b", nil), ("a%20", nil), ("a\u{301}", nil),
        ] as [(String, ActionIDShape?)])
    func shapes(_ id: String, _ shape: ActionIDShape?) {
        #expect(ActionIDShape.of(id) == shape)
    }
}
