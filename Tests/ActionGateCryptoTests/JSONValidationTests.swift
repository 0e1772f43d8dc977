import Testing

@testable import ActionGateCrypto

/// `JSONValue.validate` (the parser's validating skip) must refuse exactly what `JSONValue(parsing:)`
/// refuses, with the same error: token opening relies on it to accept `data` without building it.
@Suite struct JSONValidationTests {
    /// Both verdicts for one input: nil for accepted, else the error.
    static func verdicts(_ input: [UInt8]) -> (parsed: JSONError?, validated: JSONError?) {
        var parsed: JSONError?
        do { _ = try JSONValue(parsing: input) } catch { parsed = error }
        var validated: JSONError?
        do { try JSONValue.validate(input) } catch { validated = error }
        return (parsed, validated)
    }

    static let texts: [String] = [
        // Accepted.
        "null", "true", "false", "0", "-0", "12", "-1.5e+3", "1E-2", "12345678901234567890", #""""#,
        #""a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00z""#, "\"é😀\"", "[]", "{}", " [ 1 , { \"a\" : [ ] } ] ",
        #"{"a":{"a":{"a":1}},"b":[{"a":1},{"a":2}]}"#, #"{"é":1,"e\u0301":2}"#,
        // Refused, each reason.
        "", " ", "nul", "nulL", "tru", "True", "1 2", "{}x", "01", "-", "+1", ".5", "1.", "1e", "1e+", "NaN",
        "-Infinity", "1e400", "[-1e999]", #""abc"#, #""a\x""#, #""\u12G4""#, #""\u12"#, #""\ud800""#,
        #""\udc00""#, #""\ud800\u0041""#, #""\ud800\"#, "\"\\", "[1,]", "[1 2]", "[1", "{\"a\"}", "{\"a\":1,}",
        "{a:1}", "{'a':1}", #"{"a":1,"a":2}"#, #"{"a":1,"\u0061":2}"#, #"{"x":{"a":1,"a":2}}"#,
        #"[{"a":[{"b":1,"b":1}]}]"#, #"{"a":1,"a":[1,}"#, #"{"é":1,"é":2}"#, "[1]/* c */", "\u{FEFF}1",
        #"{"a" 1}"#, #"{"a":}"#, "[,1]", "{,}", #"{"a":1 "b":2}"#,
    ]

    /// Byte strings no Swift `String` literal can hold: invalid UTF-8 and raw control characters.
    static let rawInputs: [[UInt8]] = [
        [0x22, 0x61, 0x09, 0x22], [0x22, 0x0A, 0x22], [0x22, 0x00, 0x22], [0x22, 0xC0, 0x80, 0x22],
        [0x22, 0xE0, 0x80, 0xAF, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],
        [0x22, 0xFF, 0x22], [0x22, 0xC3, 0x22], [0x22, 0xE2, 0x82], [0x22, 0xF0, 0x9F, 0x98], [0x80],
        [0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D],  // bad UTF-8 in a key
        [0x5B, 0x22, 0x5C, 0x75, 0x44, 0x38, 0x30, 0x30, 0x22, 0x5D],  // ["\uD800"]
    ]

    @Test(arguments: texts.map { Array($0.utf8) } + rawInputs)
    func validationAgreesWithParsing(input: [UInt8]) {
        let (parsed, validated) = Self.verdicts(input)
        #expect(parsed == validated, "\(String(decoding: input, as: UTF8.self))")
    }

    /// Duplicate keys are found by a list scan up to `linearKeyLimit` keys and by a `Set` beyond:
    /// both agree with parsing, whichever side of the switch the first and second copy fall on.
    @Test func duplicateKeysAroundTheListToSetSwitch() {
        let limit = JSONParser.linearKeyLimit
        for count in [1, 2, limit - 1, limit, limit + 1, limit + 2, 3 * limit] {
            let keys = (0..<count).map { "\"k\($0)\"" }
            let unique = "{" + keys.map { $0 + ":0" }.joined(separator: ",") + "}"
            #expect(Self.verdicts(Array(unique.utf8)) == (nil, nil), "\(count) distinct keys")
            for (first, second) in [(0, count), (count - 1, count), (0, count + limit)] {
                var members = keys.map { $0 + ":0" }
                let duplicate = "\"k\(first)\":1"
                members.insert(duplicate, at: min(second, members.count))
                let text = "{" + members.joined(separator: ",") + "}"
                let (parsed, validated) = Self.verdicts(Array(text.utf8))
                #expect(parsed == validated, "\(text)")
                #expect(parsed?.reason == .duplicateKey, "\(text)")
            }
        }
    }

    @Test func depthLimitIsTheSame() {
        for depth in [63, 64, 65, 200] {
            for (open, close) in [("[", "]"), (#"{"k":"#, "}")] {
                let text = String(repeating: open, count: depth) + "0" + String(repeating: close, count: depth)
                let (parsed, validated) = Self.verdicts(Array(text.utf8))
                #expect(parsed == validated, "depth \(depth) \(open)")
                #expect((parsed == nil) == (depth <= JSONValue.maximumDepth))
            }
        }
        let hostile = [UInt8](repeating: UInt8(ascii: "["), count: 100_000)
        #expect(throws: JSONError(.tooDeep, at: 64)) { try JSONValue.validate(hostile) }
    }

    /// Random documents, each mutated many times (byte flips, insertions, deletions, truncation): the
    /// two verdicts agree on every mutant, valid or not.
    @Test func validationAgreesWithParsingOnRandomMutations() {
        var generator = SystemRandomNumberGenerator()
        let interesting: [UInt8] =
            Array(#"{}[],:"\/ubfnrt0123456789-+.eE aé"#.utf8) + [0x00, 0x1F, 0x7F, 0x80, 0xC3, 0xED, 0xFF]
        var refused = 0
        for _ in 0..<300 {
            let document: [UInt8] = JSONSerializerTests.randomValue(depth: 0, using: &generator).serialized()
            for _ in 0..<20 {
                var mutant = document
                for _ in 0..<Int.random(in: 1...3, using: &generator) {
                    let position = Int.random(in: 0...mutant.count, using: &generator)
                    let byte = interesting.randomElement(using: &generator) ?? 0
                    switch Int.random(in: 0..<4, using: &generator) {
                    case 0 where position < mutant.count: mutant[position] = byte
                    case 1: mutant.insert(byte, at: position)
                    case 2 where position < mutant.count: mutant.remove(at: position)
                    default: mutant.removeLast(mutant.count - position)
                    }
                }
                let (parsed, validated) = Self.verdicts(mutant)
                #expect(parsed == validated, "\(mutant)")
                if parsed != nil { refused += 1 }
            }
        }
        #expect(refused > 1000)  // the mutations do reach the refusals
    }

    @Test func validatesWithoutCopyingContiguousInput() throws {
        try JSONValue.validate(Array(#"{"a":[1,"x",null]}"#.utf8))
        try JSONValue.validate(#"{"a":[1,"x",null]}"#.utf8)
        try JSONValue.validate(Array(#" [1] "#.utf8)[1...3])
    }
}
