import ActionGateTestSupport
import Testing

@testable import ActionGateCore

@Suite("MultipartForm")
struct MultipartFormTests {
    static let boundary = "----WebKitFormBoundaryX3a9"
    static let dash = "--" + boundary

    /// A well-formed body with the given parts (header lines, blank line, content).
    static func body(_ parts: [(headers: String, content: String)], preamble: String = "", epilogue: String = "")
        -> String
    {
        var text = preamble.isEmpty ? "" : preamble + "\r\n"
        for part in parts {
            text += dash + "\r\n" + part.headers + "\r\n\r\n" + part.content + "\r\n"
        }
        return text + dash + "--" + epilogue
    }

    static func field(_ name: String, _ content: String) -> (headers: String, content: String) {
        ("Content-Disposition: form-data; name=\"\(name)\"", content)
    }

    static func parse(_ text: String, limits: FormFields.Limits = FormFields.Limits()) throws(MultipartFormError)
        -> FormFields
    {
        try MultipartForm.parse(Array(text.utf8), boundary: boundary, limits: limits)
    }

    @Test func readsNamesAndActionValues() throws {
        let text = Self.body([
            Self.field("$ACTION_REF_1", ""),
            Self.field("$ACTION_1:0", #"{"id":"7f3a","bound":"$@1"}"#),
            Self.field("$ACTION_1:1", "[\"x\"]"),
            Self.field("$ACTION_KEY", "k123"),
            Self.field("title", "hello\r\nworld"),
            ("Content-Disposition: form-data; name=\"upload\"; filename=\"a.txt\"\r\nContent-Type: text/plain", "data"),
        ])
        let fields = try Self.parse(text)
        #expect(fields.names == ["$ACTION_REF_1", "$ACTION_1:0", "$ACTION_1:1", "$ACTION_KEY", "title", "upload"])
        #expect(fields.actionFields.map(\.name) == ["$ACTION_REF_1", "$ACTION_1:0", "$ACTION_1:1", "$ACTION_KEY"])
        #expect(fields.actionFields[1].value == Array(#"{"id":"7f3a","bound":"$@1"}"#.utf8))
        #expect(fields.actionFields.allSatisfy { !$0.isFile && !$0.isTruncated })
    }

    struct Accepted: Sendable, CustomTestStringConvertible {
        var label: String
        var text: String
        var names: [String]
        var testDescription: String { label }
    }

    static let accepted: [Accepted] = [
        Accepted(label: "no parts", text: dash + "--", names: []),
        Accepted(
            label: "preamble and epilogue", text: body([field("a", "1")], preamble: "ignored", epilogue: "\r\nbye"),
            names: ["a"]),
        Accepted(label: "empty content", text: body([field("a", ""), field("b", "")]), names: ["a", "b"]),
        Accepted(
            label: "content with a partial boundary",
            text: body([field("a", "\r\n--" + String(boundary.dropLast()))]), names: ["a"]),
        Accepted(
            label: "unquoted name", text: body([("Content-Disposition: form-data; name=plain", "1")]),
            names: ["plain"]),
        Accepted(
            label: "case-insensitive header and parameters",
            text: body([("content-DISPOSITION:Form-Data;NAME=\"x\"", "1")]), names: ["x"]),
        Accepted(label: "WHATWG name escapes", text: body([field("a%22b%0D%0ac", "1")]), names: ["a\"b\r\nc"]),
        Accepted(label: "UTF-8 name", text: body([field("caf\u{e9}", "1")]), names: ["caf\u{e9}"]),
        Accepted(
            label: "backslash only in filename, both readings agree",
            text: body([("Content-Disposition: form-data; name=\"f\"; filename=\"C:\\dir\\a.txt\"", "x")]),
            names: ["f"]),
        Accepted(
            label: "other part headers ignored",
            text: body([("Content-Type: text/plain\r\nContent-Disposition: form-data; name=\"a\"", "1")]),
            names: ["a"]),
        Accepted(label: "empty name", text: body([field("", "1")]), names: [""]),
    ]

    @Test(arguments: accepted)
    func accepts(_ example: Accepted) throws {
        #expect(try Self.parse(example.text).names == example.names)
    }

    struct Refused: Sendable, CustomTestStringConvertible {
        var label: String
        var text: String
        var error: MultipartFormError
        var testDescription: String { "\(label) → \(error)" }
    }

    static let cd = "Content-Disposition: form-data; name=\"a\""

    static let refused: [Refused] = [
        Refused(label: "empty body", text: "", error: .missingDelimiter),
        Refused(label: "other boundary", text: "--other\r\n\r\n--other--", error: .missingDelimiter),
        Refused(label: "preamble without CRLF", text: "x" + dash + "--", error: .strayBoundary),
        Refused(
            label: "LF-only delimiter", text: dash + "\r\n" + cd + "\r\n\r\n1\n" + dash + "--", error: .strayBoundary),
        Refused(label: "boundary inside content", text: body([field("a", "x" + dash + "y")]), error: .strayBoundary),
        Refused(
            label: "boundary in the epilogue",
            text: body([field("a", "1")], epilogue: "\r\n" + dash + "\r\n" + cd + "\r\n\r\n2\r\n" + dash + "--"),
            error: .strayBoundary),
        Refused(
            label: "boundary in the preamble", text: "p" + dash + "x\r\n" + body([field("a", "1")]),
            error: .strayBoundary),
        Refused(
            label: "transport padding", text: dash + " \r\n" + cd + "\r\n\r\n1\r\n" + dash + "--",
            error: .malformedDelimiter),
        Refused(
            label: "LF after delimiter", text: dash + "\n" + cd + "\r\n\r\n1\r\n" + dash + "--",
            error: .malformedDelimiter),
        Refused(label: "no close delimiter", text: dash + "\r\n" + cd + "\r\n\r\n1", error: .unterminated),
        Refused(label: "ends after delimiter", text: dash + "\r\n" + cd + "\r\n\r\n1\r\n" + dash, error: .unterminated),
        Refused(
            label: "ends one byte after", text: dash + "\r\n" + cd + "\r\n\r\n1\r\n" + dash + "-",
            error: .unterminated),
        Refused(label: "no headers at all", text: dash + "\r\n" + dash + "--", error: .malformedPartHeaders),
        Refused(label: "no blank line", text: dash + "\r\n" + cd + "\r\n" + dash + "--", error: .malformedPartHeaders),
        Refused(label: "bare LF in headers", text: body([(cd + "\nX-A: b", "1")]), error: .malformedPartHeaders),
        Refused(label: "bare CR in headers", text: body([(cd + "\rX-A: b", "1")]), error: .malformedPartHeaders),
        Refused(label: "obs-fold", text: body([(cd + "\r\n continued", "1")]), error: .malformedPartHeaders),
        Refused(
            label: "space before colon", text: body([("Content-Disposition : form-data; name=a", "1")]),
            error: .malformedPartHeaders),
        Refused(label: "header without colon", text: body([(cd + "\r\nbroken", "1")]), error: .malformedPartHeaders),
        Refused(
            label: "control byte in value", text: body([(cd + "\r\nX-A: a\u{1}", "1")]), error: .malformedPartHeaders),
        Refused(
            label: "blank line only", text: dash + "\r\n\r\n1\r\n" + dash + "--", error: .missingContentDisposition),
        Refused(
            label: "no disposition", text: body([("Content-Type: text/plain", "1")]),
            error: .missingContentDisposition),
        Refused(label: "two dispositions", text: body([(cd + "\r\n" + cd, "1")]), error: .duplicateContentDisposition),
        Refused(
            label: "attachment", text: body([("Content-Disposition: attachment; name=\"a\"", "1")]),
            error: .invalidContentDisposition),
        Refused(
            label: "form-data without name", text: body([("Content-Disposition: form-data", "1")]),
            error: .invalidContentDisposition),
        Refused(
            label: "filename only", text: body([("Content-Disposition: form-data; filename=\"a\"", "1")]),
            error: .invalidContentDisposition),
        Refused(
            label: "two names",
            text: body([("Content-Disposition: form-data; name=\"a\"; name=\"$ACTION_ID_x\"", "1")]),
            error: .invalidContentDisposition),
        Refused(
            label: "two filenames",
            text: body([("Content-Disposition: form-data; name=\"a\"; filename=a; filename=b", "1")]),
            error: .invalidContentDisposition),
        Refused(
            label: "RFC 5987 name*",
            text: body([("Content-Disposition: form-data; name=\"a\"; name*=utf-8''%24ACTION_ID_x", "1")]),
            error: .invalidContentDisposition),
        Refused(
            label: "RFC 5987 filename*",
            text: body([("Content-Disposition: form-data; name=\"a\"; filename*=utf-8''x", "1")]),
            error: .invalidContentDisposition),
        Refused(
            label: "RFC 2231 name*0 continuation",
            text: body([("Content-Disposition: form-data; name=\"x\"; name*0=utf-8''%24ACTION_ID_adm", "1")]),
            error: .invalidContentDisposition),
        Refused(
            label: "RFC 2231 name*0*",
            text: body([("Content-Disposition: form-data; name=\"x\"; name*0*=utf-8''%24ACTION_ID_adm", "1")]),
            error: .invalidContentDisposition),
        Refused(
            label: "byte order mark before an action marker (undici drops it)",
            text: body([("Content-Disposition: form-data; name=\"\u{FEFF}$ACTION_ID_adm\"", "")]),
            error: .ambiguousContentDisposition),
        Refused(
            label: "byte order mark before any name",
            text: body([("Content-Disposition: form-data; name=\"\u{FEFF}title\"", "x")]),
            error: .ambiguousContentDisposition),
        Refused(
            label: "unterminated name", text: body([("Content-Disposition: form-data; name=\"a", "1")]),
            error: .invalidContentDisposition),
        Refused(
            label: "garbage after name", text: body([("Content-Disposition: form-data; name=\"a\" x", "1")]),
            error: .invalidContentDisposition),
        Refused(
            label: "escaped quote in name",
            text: body([("Content-Disposition: form-data; name=\"a\\\"; name2=\"$ACTION_ID_x\"", "1")]),
            error: .ambiguousContentDisposition),
        Refused(
            label: "backslash inside name",
            text: body([("Content-Disposition: form-data; name=\"$ACTION\\_ID_x\"", "1")]),
            error: .ambiguousContentDisposition),
        Refused(
            label: "escaped quote in filename hides a name",
            text: body([("Content-Disposition: form-data; filename=\"a\\\"; name=\"$ACTION_ID_x\"", "1")]),
            error: .ambiguousContentDisposition),
        Refused(
            label: "name too long", text: body([field(String(repeating: "n", count: 1025), "1")]),
            error: .fieldNameTooLong),
    ]

    @Test(arguments: refused)
    func refuses(_ example: Refused) {
        #expect(throws: example.error) { try Self.parse(example.text) }
        #expect(example.error.reason == .malformedRequest)
    }

    @Test(arguments: ["", String(repeating: "b", count: 71), "ends in space ", "bad\"quote", "semi;colon", "caf\u{e9}"])
    func refusesInvalidBoundaries(_ boundary: String) {
        #expect(throws: MultipartFormError.invalidBoundary) {
            try MultipartForm.parse(Array("--\(boundary)--".utf8), boundary: boundary)
        }
    }

    @Test(arguments: ["a", String(repeating: "b", count: 70), "'()+_,-./:=? x", "----geckoformboundary1234"])
    func acceptsValidBoundaries(_ boundary: String) throws {
        let text = "--\(boundary)\r\n\(Self.cd)\r\n\r\n1\r\n--\(boundary)--"
        #expect(try MultipartForm.parse(Array(text.utf8), boundary: boundary).names == ["a"])
    }

    @Test func boundaryComesFromTheContentType() throws {
        let text = Self.body([Self.field("a", "1")])
        let type = try ContentType(parsing: "multipart/form-data; boundary=\"\(Self.boundary)\"")
        #expect(try MultipartForm.parse(Array(text.utf8), contentType: type).names == ["a"])
        #expect(throws: MultipartFormError.missingBoundary) {
            try MultipartForm.parse([], contentType: ContentType(mediaType: "multipart/form-data"))
        }
        #expect(throws: MultipartFormError.notFormData) {
            try MultipartForm.parse([], contentType: ContentType(mediaType: "multipart/mixed"))
        }
    }

    @Test func partCountIsBounded() throws {
        let parts = (0..<11).map { Self.field("f\($0)", "") }
        let limits = FormFields.Limits(maxFields: 10)
        #expect(throws: MultipartFormError.tooManyParts) { try Self.parse(Self.body(parts), limits: limits) }
        #expect(try Self.parse(Self.body(Array(parts.prefix(10))), limits: limits).names.count == 10)
    }

    @Test func partHeaderBytesAreBounded() throws {
        let limits = FormFields.Limits(maxPartHeaderBytes: 100)
        let padding = "X-Pad: " + String(repeating: "p", count: 100)
        #expect(throws: MultipartFormError.partHeadersTooLarge) {
            try Self.parse(Self.body([(Self.cd + "\r\n" + padding, "1")]), limits: limits)
        }
        // Exactly at the bound: the header lines plus the blank line.
        let exact = Self.cd + "\r\nX: " + String(repeating: "p", count: 100 - Self.cd.utf8.count - 2 - 3 - 4)
        #expect(exact.utf8.count + 4 == 100)
        #expect(try Self.parse(Self.body([(exact, "1")]), limits: limits).names == ["a"])
    }

    @Test func actionValuesAreCappedAndFlagged() throws {
        let limits = FormFields.Limits(maxActionValueBytes: 8)
        let fields = try Self.parse(
            Self.body([
                Self.field("$ACTION_1:1", "0123456789"), Self.field("$ACTION_KEY", "01234567"),
                Self.field("big", "0123456789"),
            ]),
            limits: limits)
        #expect(fields.actionFields.map(\.value) == [Array("01234567".utf8), Array("01234567".utf8)])
        #expect(fields.actionFields.map(\.isTruncated) == [true, false])
    }

    @Test func fileMarkersAreFlagged() throws {
        let fields = try Self.parse(
            Self.body([("Content-Disposition: form-data; name=\"$ACTION_1:0\"; filename=\"d.json\"", "{}")]))
        #expect(fields.actionFields.first?.isFile == true)
    }

    /// Boundary and body chosen to defeat a naive search (every byte starts a long partial match).
    /// Linearity comes from KMP (checked against a naive search below); timing is for benchmarks.
    @Test func adversarialBoundaryAndBody() throws {
        let boundary = String(repeating: "-", count: 68) + "x"
        let body =
            Array(("--" + boundary + "\r\n" + Self.cd + "\r\n\r\n").utf8)
            + [UInt8](repeating: 0x2D, count: 1 << 20) + Array(("\r\n--" + boundary + "--").utf8)
        #expect(try MultipartForm.parse(body, boundary: boundary).names == ["a"])
    }

    @Test func finderMatchesANaiveSearch() {
        var generator = ParserFuzzRandom(seed: 42)
        for _ in 0..<300 {
            let pattern =
                [UInt8(ascii: "-"), UInt8(ascii: "-")]
                + (0..<Int.random(in: 1...4, using: &generator)).map { _ in
                    [UInt8(ascii: "-"), UInt8(ascii: "a"), UInt8(ascii: "b")].randomElement(using: &generator)!
                }
            let text = (0..<Int.random(in: 0...40, using: &generator)).map { _ in
                [UInt8(ascii: "-"), UInt8(ascii: "a"), UInt8(ascii: "b"), 0x0D].randomElement(using: &generator)!
            }
            let start = Int.random(in: 0...text.count, using: &generator)
            let naive = (start..<max(start, text.count - pattern.count + 1)).first {
                Array(text[$0..<($0 + pattern.count)]) == pattern
            }
            let found = text.withUnsafeBufferPointer {
                BoundaryFinder(pattern: pattern).firstIndex(in: $0, from: start)
            }
            #expect(found == naive, "\(pattern) in \(text) from \(start)")
        }
    }
}
