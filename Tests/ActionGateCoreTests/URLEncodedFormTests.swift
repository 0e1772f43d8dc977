import Testing

@testable import ActionGateCore

@Suite("URLEncodedForm")
struct URLEncodedFormTests {
    struct Accepted: Sendable, CustomTestStringConvertible {
        var body: String
        var names: [String]
        var actionValues: [String] = []
        var testDescription: String { body }
    }

    static let accepted: [Accepted] = [
        Accepted(body: "", names: []),
        Accepted(body: "a=1&b=2", names: ["a", "b"]),
        Accepted(body: "a=1&&b=2&", names: ["a", "b"]),
        Accepted(body: "&&&", names: []),
        Accepted(body: "flag&x=", names: ["flag", "x"]),
        Accepted(body: "=v", names: [""]),
        Accepted(body: "a+b=c+d", names: ["a b"]),
        Accepted(body: "caf%C3%A9=1", names: ["caf\u{e9}"]),
        Accepted(body: "bad%FF=1", names: ["bad\u{FFFD}"]),
        Accepted(body: "a=1=2", names: ["a"]),
        Accepted(body: "%24ACTION_ID_abc=", names: ["$ACTION_ID_abc"], actionValues: [""]),
        Accepted(
            body: "$ACTION_REF_1=&$ACTION_1%3A0=%7B%22id%22%3A%22x%22%7D&title=hi",
            names: ["$ACTION_REF_1", "$ACTION_1:0", "title"], actionValues: ["", #"{"id":"x"}"#]),
        Accepted(body: "$ACTION_BOUND=a+b%2Bc", names: ["$ACTION_BOUND"], actionValues: ["a b+c"]),
        Accepted(body: "$action_id_x=1", names: ["$action_id_x"]),
    ]

    @Test(arguments: accepted)
    func parses(_ example: Accepted) throws {
        let fields = try URLEncodedForm.parse(Array(example.body.utf8))
        #expect(fields.names == example.names)
        #expect(fields.actionFields.map { String(decoding: $0.value, as: UTF8.self) } == example.actionValues)
        #expect(fields.actionFields.allSatisfy { !$0.isFile && !$0.isTruncated })
    }

    struct Refused: Sendable, CustomTestStringConvertible {
        var body: String
        var error: URLEncodedFormError
        var testDescription: String { "\(body.prefix(40)) → \(error)" }
    }

    static let refused: [Refused] = [
        Refused(body: "a=%", error: .invalidPercentEncoding),
        Refused(body: "a=%4", error: .invalidPercentEncoding),
        Refused(body: "a=%zz", error: .invalidPercentEncoding),
        Refused(body: "%=1", error: .invalidPercentEncoding),
        Refused(body: "a%2=1", error: .invalidPercentEncoding),
        Refused(body: "$ACTION_KEY=%G1", error: .invalidPercentEncoding),
        Refused(body: "ok=1&b=%%", error: .invalidPercentEncoding),
        Refused(body: String(repeating: "n", count: 1025) + "=1", error: .fieldNameTooLong),
        Refused(body: String(repeating: "%41", count: 1025) + "=1", error: .fieldNameTooLong),
    ]

    @Test(arguments: refused)
    func refuses(_ example: Refused) {
        #expect(throws: example.error) { try URLEncodedForm.parse(Array(example.body.utf8)) }
        #expect(example.error.reason == .malformedRequest)
    }

    @Test func fieldCountIsBounded() throws {
        let limits = FormFields.Limits(maxFields: 3)
        #expect(try URLEncodedForm.parse(Array("a&b&c&&".utf8), limits: limits).names.count == 3)
        #expect(throws: URLEncodedFormError.tooManyFields) {
            try URLEncodedForm.parse(Array("a&b&c&d".utf8), limits: limits)
        }
    }

    @Test func nameOfExactlyTheMaximumIsAccepted() throws {
        let name = String(repeating: "%41", count: 1024)
        #expect(try URLEncodedForm.parse(Array((name + "=1").utf8)).names == [String(repeating: "A", count: 1024)])
    }

    @Test func actionValuesAreCappedAndFlagged() throws {
        let limits = FormFields.Limits(maxActionValueBytes: 4)
        let fields = try URLEncodedForm.parse(
            Array("$ACTION_1:1=%41%42%43%44%45&$ACTION_KEY=abcd".utf8), limits: limits)
        #expect(fields.actionFields.map(\.value) == [Array("ABCD".utf8), Array("abcd".utf8)])
        #expect(fields.actionFields.map(\.isTruncated) == [true, false])
    }

    @Test func hugeBodies() throws {
        let many = Array(String(repeating: "a=1&", count: 1 << 18).utf8)
        #expect(throws: URLEncodedFormError.tooManyFields) { try URLEncodedForm.parse(many) }
        let big = Array(("$ACTION_BOUND=" + String(repeating: "A", count: 1 << 20)).utf8)
        let fields = try URLEncodedForm.parse(big)
        #expect(fields.actionFields.first?.value.count == 64 * 1024)
        #expect(fields.actionFields.first?.isTruncated == true)
        #expect(throws: ActionMarkerError.malformedBoundArguments) { try ActionMarkers(fields) }
    }

    @Test func escapesAfterTheCapAreStillValidated() {
        let limits = FormFields.Limits(maxActionValueBytes: 2)
        #expect(throws: URLEncodedFormError.invalidPercentEncoding) {
            try URLEncodedForm.parse(Array("$ACTION_1:1=abcd%X".utf8), limits: limits)
        }
    }
}
