import Testing

@testable import ActionGateCrypto

@Suite struct JSONSerializerTests {
    static let outputs: [(JSONValue, String)] = [
        (.null, "null"), (.bool(true), "true"), (.bool(false), "false"),
        (.number(1_700_000_000), "1700000000"), (.number(-42), "-42"), (.number(0), "0"), (.number(-0.0), "0"),
        (.number(1.5), "1.5"), (.number(0.1), "0.1"), (.number(1e-7), "1e-07"),
        (.number(9_007_199_254_740_991), "9007199254740991"), (.number(1e300), "1e+300"),
        (.number(.nan), "null"), (.number(.infinity), "null"),
        (.string("a\"b\\c/d"), #""a\"b\\c/d""#), (.string("\n\r\t\u{8}\u{c}"), #""\n\r\t\b\f""#),
        (.string("\u{0}\u{1f}\u{7f}"), "\"\\u0000\\u001f\u{7f}\""), (.string("é😀\u{2028}"), "\"é😀\u{2028}\""),
        (.array([]), "[]"), (.object([:]), "{}"),
        (
            .object(["b": .number(1), "a": .array([.null, .string("x")]), "B": .bool(true)]),
            #"{"B":true,"a":[null,"x"],"b":1}"#
        ),
        (.object(["é": .number(1), "z": .number(2), "~": .number(3)]), #"{"z":2,"~":3,"é":1}"#),
    ]

    @Test(arguments: outputs)
    func serialisesCompactlyWithSortedKeys(value: JSONValue, text: String) {
        #expect(value.serialized() == Array(text.utf8))
        let string: String = value.serialized()
        #expect(string == text)
    }

    /// Property: for random values, serialise → parse gives the value back, and serialising again gives
    /// the same bytes (one canonical form).
    @Test func roundTripsRandomValues() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let value = Self.randomValue(depth: 0, using: &generator)
            let bytes = value.serialized()
            let parsed = try JSONValue(parsing: bytes)
            #expect(parsed == value)
            #expect(parsed.serialized() == bytes)
        }
    }

    /// Long strings with specials anywhere (the serialiser copies plain runs in bulk).
    @Test func roundTripsLongStringsWithSpecialsAnywhere() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            var text = String(repeating: "p", count: Int.random(in: 0..<90, using: &generator))
            for _ in 0..<Int.random(in: 0..<4, using: &generator) {
                let special = ["\"", "\\", "\n", "\u{1}", "é", "😀"].randomElement(using: &generator) ?? "x"
                let index = text.index(text.startIndex, offsetBy: Int.random(in: 0...text.count, using: &generator))
                text.insert(contentsOf: special, at: index)
            }
            let value = JSONValue.array([.string(text), .object([text: .null])])
            #expect(try JSONValue(parsing: value.serialized()) == value)
        }
    }

    static func randomValue(depth: Int, using generator: inout SystemRandomNumberGenerator) -> JSONValue {
        let choice = Int.random(in: 0..<(depth > 4 ? 5 : 7), using: &generator)
        switch choice {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &generator))
        case 2: return .number(Double(Int64.random(in: -(1 << 53)...(1 << 53), using: &generator)))
        case 3: return .number(Double.random(in: -1e12...1e12, using: &generator))
        case 4: return .string(randomString(using: &generator))
        case 5:
            return .array(
                (0..<Int.random(in: 0..<5, using: &generator)).map { _ in
                    randomValue(depth: depth + 1, using: &generator)
                })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0..<5, using: &generator) {
                members[randomString(using: &generator)] = randomValue(depth: depth + 1, using: &generator)
            }
            return .object(members)
        }
    }

    static func randomString(using generator: inout SystemRandomNumberGenerator) -> String {
        let pool: [Unicode.Scalar] = [
            "a", "Z", "0", " ", "\"", "\\", "/", "\n", "\u{0}", "\u{1f}", "é", "😀", "\u{2028}",
        ]
        var text = ""
        for _ in 0..<Int.random(in: 0..<8, using: &generator) {
            text.unicodeScalars.append(pool.randomElement(using: &generator) ?? "a")
        }
        return text
    }
}
