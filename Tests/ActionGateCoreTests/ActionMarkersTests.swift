import Testing

@testable import ActionGateCore

@Suite("ActionMarkers")
struct ActionMarkersTests {
    static let nextID = "7f3a0c12" + String(repeating: "ab", count: 16)  // 40 lowercase hex
    static let nextID42 = "00" + nextID

    /// Fields from `(name, value)`; every name is listed, `$ACTION_` ones also carry their value.
    static func fields(_ pairs: [(String, String)], files: Set<String> = [], truncated: Set<String> = []) -> FormFields
    {
        FormFields(
            names: pairs.map(\.0),
            actionFields: pairs.filter { $0.0.hasPrefix("$ACTION_") }.map {
                FormFields.ActionField(
                    name: $0.0, value: Array($0.1.utf8), isTruncated: truncated.contains($0.0),
                    isFile: files.contains($0.0))
            })
    }

    struct Named: Sendable, CustomTestStringConvertible {
        var label: String
        var pairs: [(String, String)]
        var ids: [String]
        var sources: [ActionMarkers.Source]
        var testDescription: String { label }
    }

    static let named: [Named] = [
        Named(label: "no markers", pairs: [("title", "x")], ids: [], sources: []),
        Named(
            label: "id field", pairs: [("$ACTION_ID_\(nextID)", ""), ("a", "1")], ids: [nextID], sources: [.idField]),
        Named(label: "42-digit id", pairs: [("$ACTION_ID_\(nextID42)", "")], ids: [nextID42], sources: [.idField]),
        Named(label: "configured id", pairs: [("$ACTION_ID_createPost", "")], ids: ["createPost"], sources: [.idField]),
        Named(
            label: "reference",
            pairs: [
                ("$ACTION_REF_1", ""), ("$ACTION_1:0", #"{"id":"\#(nextID)","bound":"$@1"}"#),
                ("$ACTION_1:1", "[1]"), ("$ACTION_KEY", "k1"),
            ],
            ids: [nextID], sources: [.referenceDescriptor]),
        Named(
            label: "form and submitter reference",
            pairs: [
                ("$ACTION_REF_1", ""), ("$ACTION_1:0", #"{"id":"login"}"#),
                ("$ACTION_REF_2", ""), ("$ACTION_2:0", #"{"id":"logout","bound":null}"#),
            ],
            ids: ["login", "logout"], sources: [.referenceDescriptor, .referenceDescriptor]),
        Named(
            label: "id then reference: all returned in order, last wins",
            pairs: [
                ("$ACTION_ID_a", ""), ("$ACTION_REF_p", ""), ("$ACTION_p:0", #"{"id":"b"}"#), ("$ACTION_ID_c", ""),
            ],
            ids: ["a", "b", "c"], sources: [.idField, .referenceDescriptor, .idField]),
        Named(label: "orphan descriptor names nothing", pairs: [("$ACTION_1:0", #"{"id":"x"}"#)], ids: [], sources: []),
        Named(label: "key alone names nothing", pairs: [("$ACTION_KEY", "k")], ids: [], sources: []),
        Named(label: "lowercase prefix is not a marker", pairs: [("$action_id_x", "")], ids: [], sources: []),
    ]

    @Test(arguments: named)
    func readsMarkers(_ example: Named) throws {
        let markers = try ActionMarkers(Self.fields(example.pairs))
        #expect(markers.ids == example.ids)
        #expect(markers.markers.map(\.source) == example.sources)
        #expect(markers.effectiveID == example.ids.last)
        #expect(markers.hasActionFields == example.pairs.contains { $0.0.hasPrefix("$ACTION_") })
    }

    @Test func shapesAreReported() throws {
        let markers = try ActionMarkers(Self.fields([("$ACTION_ID_\(Self.nextID)", ""), ("$ACTION_ID_login", "")]))
        #expect(markers.markers.map(\.shape) == [.nextJS, .configured])
    }

    @Test func boundArgumentsToken() throws {
        let markers = try ActionMarkers(Self.fields([("$ACTION_ID_x", ""), ("$ACTION_BOUND", "AQIAAAAB-_x")]))
        #expect(markers.boundArguments == "AQIAAAAB-_x")
        #expect(try ActionMarkers(Self.fields([("$ACTION_ID_x", "")])).boundArguments == nil)
    }

    struct Refused: Sendable, CustomTestStringConvertible {
        var label: String
        var pairs: [(String, String)]
        var files: Set<String> = []
        var truncated: Set<String> = []
        var error: ActionMarkerError
        var testDescription: String { "\(label) → \(error)" }
    }

    static let refused: [Refused] = [
        Refused(label: "empty id", pairs: [("$ACTION_ID_", "")], error: .malformedID),
        Refused(label: "id with space", pairs: [("$ACTION_ID_a b", "")], error: .malformedID),
        Refused(label: "id with slash", pairs: [("$ACTION_ID_../x", "")], error: .malformedID),
        Refused(
            label: "id too long", pairs: [("$ACTION_ID_" + String(repeating: "a", count: 129), "")], error: .malformedID
        ),
        Refused(label: "non-ASCII id", pairs: [("$ACTION_ID_caf\u{e9}", "")], error: .malformedID),
        Refused(
            label: "three references",
            pairs: [
                ("$ACTION_REF_1", ""), ("$ACTION_1:0", #"{"id":"a"}"#), ("$ACTION_REF_2", ""),
                ("$ACTION_2:0", #"{"id":"a"}"#), ("$ACTION_REF_3", ""), ("$ACTION_3:0", #"{"id":"a"}"#),
            ],
            error: .tooManyReferences),
        Refused(
            label: "same reference three times",
            pairs: [
                ("$ACTION_REF_1", ""), ("$ACTION_REF_1", ""), ("$ACTION_REF_1", ""), ("$ACTION_1:0", #"{"id":"a"}"#),
            ],
            error: .tooManyReferences),
        Refused(label: "reference without descriptor", pairs: [("$ACTION_REF_1", "")], error: .missingDescriptor),
        Refused(
            label: "descriptor of another prefix", pairs: [("$ACTION_REF_1", ""), ("$ACTION_2:0", #"{"id":"a"}"#)],
            error: .missingDescriptor),
        Refused(
            label: "two descriptors",
            pairs: [("$ACTION_REF_1", ""), ("$ACTION_1:0", #"{"id":"a"}"#), ("$ACTION_1:0", #"{"id":"b"}"#)],
            error: .duplicateDescriptor),
        Refused(
            label: "descriptor is a file", pairs: [("$ACTION_REF_1", ""), ("$ACTION_1:0", #"{"id":"a"}"#)],
            files: ["$ACTION_1:0"], error: .descriptorNotText),
        Refused(
            label: "descriptor with spaces", pairs: [("$ACTION_REF_1", ""), ("$ACTION_1:0", #"{ "id":"a"}"#)],
            error: .malformedDescriptor),
        Refused(
            label: "descriptor other key first",
            pairs: [("$ACTION_REF_1", ""), ("$ACTION_1:0", #"{"bound":null,"id":"a"}"#)],
            error: .malformedDescriptor),
        Refused(
            label: "descriptor without closing quote", pairs: [("$ACTION_REF_1", ""), ("$ACTION_1:0", #"{"id":"abc"#)],
            error: .malformedDescriptor),
        Refused(
            label: "empty descriptor", pairs: [("$ACTION_REF_1", ""), ("$ACTION_1:0", "")],
            error: .malformedDescriptor),
        // React runs what JSON.parse gives (a repeated key wins), Next.js checks the first id: the
        // descriptor must be one strict JSON object with exactly that id.
        Refused(
            label: "descriptor with a second id",
            pairs: [("$ACTION_REF_1", ""), ("$ACTION_1:0", #"{"id":"public","id":"deleteUser","bound":null}"#)],
            error: .malformedDescriptor),
        Refused(
            label: "descriptor with a second id spelled with an escape",
            pairs: [("$ACTION_REF_1", ""), ("$ACTION_1:0", #"{"id":"public","\u0069d":"deleteUser"}"#)],
            error: .malformedDescriptor),
        Refused(
            label: "descriptor with bytes after the object",
            pairs: [("$ACTION_REF_1", ""), ("$ACTION_1:0", #"{"id":"a"}{"id":"b"}"#)],
            error: .malformedDescriptor),
        Refused(
            label: "descriptor that is not JSON after the id",
            pairs: [("$ACTION_REF_1", ""), ("$ACTION_1:0", #"{"id":"a",bound}"#)],
            error: .malformedDescriptor),
        Refused(
            label: "truncated descriptor", pairs: [("$ACTION_REF_1", ""), ("$ACTION_1:0", #"{"id":"a"}"#)],
            truncated: ["$ACTION_1:0"], error: .malformedDescriptor),
        Refused(
            label: "descriptor with escaped quote",
            pairs: [("$ACTION_REF_1", ""), ("$ACTION_1:0", #"{"id":"a\"b"}"#)],
            error: .malformedID),
        Refused(
            label: "descriptor with empty id", pairs: [("$ACTION_REF_1", ""), ("$ACTION_1:0", #"{"id":""}"#)],
            error: .malformedID),
        Refused(
            label: "two bound tokens", pairs: [("$ACTION_BOUND", "a"), ("$ACTION_BOUND", "b")],
            error: .duplicateBoundArguments),
        Refused(
            label: "bound token as a file", pairs: [("$ACTION_BOUND", "a")], files: ["$ACTION_BOUND"],
            error: .malformedBoundArguments),
        Refused(
            label: "truncated bound token", pairs: [("$ACTION_BOUND", "a")], truncated: ["$ACTION_BOUND"],
            error: .malformedBoundArguments),
    ]

    @Test(arguments: refused)
    func refuses(_ example: Refused) {
        #expect(throws: example.error) {
            try ActionMarkers(Self.fields(example.pairs, files: example.files, truncated: example.truncated))
        }
    }

    @Test func reasons() {
        for error in ActionMarkerError.allCases {
            let bound = error == .duplicateBoundArguments || error == .malformedBoundArguments
            #expect(error.reason == (bound ? .boundArgsRejected : .invalidActionID))
        }
    }

    /// The full path: a multipart body as React renders it for a bound action, through both parsers.
    @Test func fromAMultipartBody() throws {
        let b = "----formdata-undici-0123"
        let text = [
            "--\(b)", "Content-Disposition: form-data; name=\"$ACTION_REF_1\"", "", "",
            "--\(b)", "Content-Disposition: form-data; name=\"$ACTION_1:0\"", "",
            #"{"id":"\#(Self.nextID42)","bound":"$@1"}"#,
            "--\(b)", "Content-Disposition: form-data; name=\"$ACTION_1:1\"", "", "[\"$K1\"]",
            "--\(b)", "Content-Disposition: form-data; name=\"$ACTION_KEY\"", "", "k3d1",
            "--\(b)", "Content-Disposition: form-data; name=\"title\"", "", "Hello",
            "--\(b)--", "",
        ].joined(separator: "\r\n")
        let markers = try ActionMarkers(MultipartForm.parse(Array(text.utf8), boundary: b))
        #expect(markers.ids == [Self.nextID42])
        #expect(markers.markers.first?.shape == .nextJS)
    }
}
