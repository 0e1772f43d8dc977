import ActionGateCrypto
import Testing

@testable import ActionGateServer

/// The audit log's JSON writer: escaping, truncation and invalid UTF-8 (log-injection defences).
@Suite struct ObservabilityJSONTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var input: [UInt8]
        var limit: Int
        /// The expected JSON string contents (between the quotes).
        var expected: String
        var testDescription: String { name }

        init(_ name: String, _ input: [UInt8], limit: Int = 100, _ expected: String) {
            self.name = name
            self.input = input
            self.limit = limit
            self.expected = expected
        }

        init(_ name: String, _ input: String, limit: Int = 100, _ expected: String) {
            self.init(name, Array(input.utf8), limit: limit, expected)
        }
    }

    static let cases: [Case] = [
        Case("plain", "/actions/login", "/actions/login"),
        Case("quote", #"a"b"#, #"a\"b"#),
        Case("backslash", #"a\b"#, #"a\\b"#),
        Case("forged field", #"x","verdict":"forward"#, #"x\",\"verdict\":\"forward"#),
        Case("newline, return, tab", "a\nb\rc\td", #"a\nb\rc\td"#),
        Case("C0 controls", [0x00, 0x01, 0x1B, 0x1F], #"\u0000\u0001\u001b\u001f"#),
        Case("DEL", [0x41, 0x7F], #"A\u007f"#),
        Case("C1 NEL and CSI", [0xC2, 0x85, 0xC2, 0x9B, 0x32, 0x4A], #"\u0085\u009b2J"#),
        Case("U+00A0 is not a control", [0xC2, 0xA0], "\u{A0}"),
        Case("line and paragraph separators", "a\u{2028}b\u{2029}c", #"a\u2028b\u2029c"#),
        Case("multibyte kept", "é€😀", "é€😀"),
        Case("lone continuation byte", [0x61, 0x80, 0x62], "a\u{FFFD}b"),
        Case("overlong slash", [0xC0, 0xAF], "\u{FFFD}\u{FFFD}"),
        Case("overlong three-byte", [0xE0, 0x80, 0xAF], "\u{FFFD}\u{FFFD}\u{FFFD}"),
        Case("surrogate", [0xED, 0xA0, 0x80], "\u{FFFD}\u{FFFD}\u{FFFD}"),
        Case("beyond U+10FFFF", [0xF4, 0x90, 0x80, 0x80], "\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}"),
        Case("truncated sequence at the end", [0x61, 0xE2, 0x82], "a\u{FFFD}\u{FFFD}"),
        Case("0xFF", [0xFF], "\u{FFFD}"),
        Case("exactly at the limit", String(repeating: "a", count: 100), String(repeating: "a", count: 100)),
        Case("one over the limit", String(repeating: "a", count: 101), String(repeating: "a", count: 99) + "…"),
        Case("far over the limit", String(repeating: "b", count: 10_000), String(repeating: "b", count: 99) + "…"),
        Case("limit counts scalars", String(repeating: "é", count: 101), String(repeating: "é", count: 99) + "…"),
        Case(
            "limit counts escaped characters once", String(repeating: "\n", count: 101),
            String(repeating: #"\n"#, count: 99) + "…"),
        Case("small limit", "abcdef", limit: 3, "ab…"),
        Case("zero limit", "abc", limit: 0, "…"),
        Case("empty", "", ""),
    ]

    @Test(arguments: cases)
    func escapes(_ testCase: Case) throws {
        var out: [UInt8] = []
        testCase.input.withUnsafeBufferPointer { JSONObjectWriter.appendEscaped($0, limit: testCase.limit, into: &out) }
        #expect(String(decoding: out, as: UTF8.self) == testCase.expected)
        try Self.expectSafeJSON(out)
    }

    /// Whatever the bytes, the output is one valid JSON string with no raw control characters.
    @Test func randomBytesAlwaysGiveSafeJSON() throws {
        var generator = SplitMix(seed: 0x5EED)
        for round in 0..<2000 {
            let length = Int(generator.next() % 64)
            let input = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            var out: [UInt8] = []
            input.withUnsafeBufferPointer { JSONObjectWriter.appendEscaped($0, limit: 40, into: &out) }
            try Self.expectSafeJSON(out, round: round)
            let scalars = String(decoding: out, as: UTF8.self).replacingOccurrences(of: "\\", with: "").unicodeScalars
            #expect(scalars.count <= 40 * 6, "round \(round)")
        }
    }

    @Test func objectLinesHaveNumbersDurationsAndArrays() throws {
        var bytes: [UInt8] = Array("previous\n".utf8)
        JSONObjectWriter.appendLine(to: &bytes) { line in
            line.string("path", "/a\"b", limit: 100)
            line.integer("status", 403)
            line.integer("negative", -12)
            line.integer("max", Int.max)
            line.milliseconds("total_ms", .microseconds(12_345))
            line.milliseconds("small_ms", .nanoseconds(999))
            line.milliseconds("negative_ms", .milliseconds(-5))
            line.strings("key_ids", ["3f9a0c12", "0000000a"], limit: 100)
            line.code("verdict", "reject")
        }
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(
            text == "previous\n"
                + #"{"path":"/a\"b","status":403,"negative":-12,"max":9223372036854775807,"total_ms":12.345,"#
                + #""small_ms":0.000,"negative_ms":0.000,"key_ids":["3f9a0c12","0000000a"],"verdict":"reject"}"#
                + "\n")
        let parsed = try JSONValue(parsing: bytes.dropFirst(9).dropLast())
        #expect(members(parsed)?["status"] == .number(403))
    }

    static let timestamps: [(Int64, String)] = [
        (0, "1970-01-01T00:00:00.000Z"),
        (1_795_000_000_123, "2026-11-18T11:06:40.123Z"),
        (951_782_400_000, "2000-02-29T00:00:00.000Z"),
        (4_107_542_399_999, "2100-02-28T23:59:59.999Z"),
        (-1, "1969-12-31T23:59:59.999Z"),
        (Int64.max, "9999-12-31T23:59:59.999Z"),
        (Int64.min, "0000-01-01T00:00:00.000Z"),
    ]

    @Test(arguments: timestamps)
    func timestampsAreRFC3339UTCWithMilliseconds(_ milliseconds: Int64, _ expected: String) {
        var out: [UInt8] = []
        LogTimestamp(unixMilliseconds: milliseconds).append(into: &out)
        #expect(String(decoding: out, as: UTF8.self) == expected)
    }

    static func expectSafeJSON(_ out: [UInt8], round: Int = 0) throws {
        #expect(!out.contains { $0 < 0x20 || $0 == 0x7F }, "round \(round): raw control byte")
        #expect(String(validating: out, as: UTF8.self) != nil, "round \(round): invalid UTF-8")
        let document = Array(#"{"v":""#.utf8) + out + Array(#""}"#.utf8)
        let parsed = try JSONValue(parsing: document)
        #expect(members(parsed)?["v"] != nil, "round \(round)")
    }
}

/// The members of a JSON object, or nil.
func members(_ value: JSONValue) -> [String: JSONValue]? {
    if case .object(let members) = value { return members }
    return nil
}

/// A small deterministic generator for property tests (SplitMix64).
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
