import Testing

@testable import ActionGateCore

@Suite("ContentType")
struct ContentTypeTests {
    struct Accepted: Sendable, CustomTestStringConvertible {
        var raw: String
        var mediaType: String
        var parameters: [(String, String)] = []
        var testDescription: String { raw }
    }

    static let accepted: [Accepted] = [
        Accepted(raw: "application/json", mediaType: "application/json"),
        Accepted(raw: "Application/JSON", mediaType: "application/json"),
        Accepted(raw: "  text/plain  ", mediaType: "text/plain"),
        Accepted(raw: "text/plain;charset=UTF-8", mediaType: "text/plain", parameters: [("charset", "UTF-8")]),
        Accepted(raw: "text/plain; Charset=utf-8", mediaType: "text/plain", parameters: [("charset", "utf-8")]),
        Accepted(
            raw: "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW",
            mediaType: "multipart/form-data",
            parameters: [("boundary", "----WebKitFormBoundary7MA4YWxkTrZu0gW")]),
        Accepted(
            raw: #"multipart/form-data; boundary="a b:c""#, mediaType: "multipart/form-data",
            parameters: [("boundary", "a b:c")]),
        Accepted(raw: #"text/x; a="q\"uote\\d""#, mediaType: "text/x", parameters: [("a", #"q"uote\d"#)]),
        Accepted(raw: #"text/x; a="""#, mediaType: "text/x", parameters: [("a", "")]),
        Accepted(raw: "text/x;;a=1;", mediaType: "text/x", parameters: [("a", "1")]),
        Accepted(raw: "text/x ; a=1 ;\tb=2", mediaType: "text/x", parameters: [("a", "1"), ("b", "2")]),
        Accepted(raw: "application/vnd.api+json", mediaType: "application/vnd.api+json"),
    ]

    @Test(arguments: accepted)
    func parses(_ example: Accepted) throws {
        let parsed = try ContentType(parsing: example.raw)
        #expect(parsed.mediaType == example.mediaType)
        #expect(parsed.parameters.map(\.name) == example.parameters.map(\.0))
        #expect(parsed.parameters.map(\.value) == example.parameters.map(\.1))
    }

    @Test func accessors() throws {
        let parsed = try ContentType(parsing: #"Multipart/Form-Data; BOUNDARY="xyz"; charset=utf-8"#)
        #expect(parsed.type == "multipart")
        #expect(parsed.subtype == "form-data")
        #expect(parsed.boundary == "xyz")
        #expect(parsed.charset == "utf-8")
        #expect(parsed.parameter("missing") == nil)
    }

    struct Refused: Sendable, CustomTestStringConvertible {
        var raw: String
        var error: ContentTypeError
        var testDescription: String { "\(raw.prefix(40)) → \(error)" }
    }

    static let refused: [Refused] = [
        Refused(raw: "", error: .empty),
        Refused(raw: "   ", error: .empty),
        Refused(raw: "text", error: .invalidMediaType),
        Refused(raw: "text/", error: .invalidMediaType),
        Refused(raw: "/plain", error: .invalidMediaType),
        Refused(raw: "te xt/plain", error: .invalidMediaType),
        Refused(raw: "text/plain, application/json", error: .invalidCharacter),
        Refused(raw: "text/plain garbage", error: .invalidCharacter),
        Refused(raw: "text/plain; charset", error: .invalidParameter),
        Refused(raw: "text/plain; charset=", error: .invalidParameter),
        Refused(raw: "text/plain; charset = utf-8", error: .invalidParameter),
        Refused(raw: "text/plain; charset= utf-8", error: .invalidParameter),
        Refused(raw: "text/plain; =utf-8", error: .invalidParameter),
        Refused(raw: "text/plain; a=b c", error: .invalidCharacter),
        Refused(raw: #"text/plain; a="unterminated"#, error: .unterminatedQuotedString),
        Refused(raw: #"text/plain; a="esc\"#, error: .unterminatedQuotedString),
        Refused(raw: "text/plain; a=\"x\u{1}y\"", error: .invalidCharacter),
        Refused(raw: "text/plain; a=\"x\r\ny\"", error: .invalidCharacter),
        Refused(raw: "multipart/form-data; boundary=a; boundary=b", error: .duplicateParameter),
        Refused(raw: "multipart/form-data; boundary=a; BOUNDARY=b", error: .duplicateParameter),
        Refused(
            raw: "text/x" + String(repeating: "; a=1", count: 1) + (1...16).map { "; p\($0)=1" }.joined(),
            error: .tooManyParameters),
        Refused(raw: "text/x; a=" + String(repeating: "b", count: 1100), error: .tooLong),
    ]

    @Test(arguments: refused)
    func refuses(_ example: Refused) {
        #expect(throws: example.error) { try ContentType(parsing: example.raw) }
        #expect(example.error.reason == .unsupportedContentType)
    }

    @Test func sixteenParametersAreAllowed() throws {
        let raw = "text/x" + (1...16).map { "; p\($0)=\($0)" }.joined()
        #expect(try ContentType(parsing: raw).parameters.count == 16)
    }
}
