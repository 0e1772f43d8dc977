import Testing

@testable import ActionGateCrypto

/// The number fast paths: eight digits at a time when parsing, two at a time when writing integers.
@Suite struct JSONNumberTests {
    /// Integers of every length from 1 to 25 digits (around the 8-digit steps and the 15- and 18-digit
    /// limits), with and without sign, followed by bytes that border the digits in ASCII.
    @Test func integersOfEveryLengthParseAsTheStandardLibraryReadsThem() throws {
        var generator = SystemRandomNumberGenerator()
        for length in 1...25 {
            for _ in 0..<20 {
                var digits = String(Int.random(in: 1...9, using: &generator))
                for _ in 1..<length { digits += String(Int.random(in: 0...9, using: &generator)) }
                for sign in ["", "-"] {
                    let text = sign + digits
                    let expected = try #require(Double(text))
                    #expect(try JSONValue(parsing: text) == .number(expected), "\(text)")
                    #expect(try JSONValue(parsing: "[\(text)]") == .array([.number(expected)]), "\(text)")
                    // Bytes next to the digits in ASCII end the number; what follows decides the rest.
                    let end = 1 + text.utf8.count
                    for next in [":", "/", ";", "?", "@"] {
                        #expect(throws: JSONError(.unexpectedByte, at: end)) {
                            try JSONValue(parsing: "[" + text + next + "]")
                        }
                    }
                    #expect(throws: JSONError(.unexpectedByte, at: end + 1)) {
                        try JSONValue(parsing: "[" + text + ",]")
                    }
                    #expect(try JSONValue(parsing: text + "0.5") == .number(try #require(Double(text + "0.5"))))
                    #expect(try JSONValue(parsing: text + "e2") == .number(try #require(Double(text + "e2"))))
                }
            }
        }
    }

    /// A byte that is not a digit anywhere in an 8-digit window ends the number exactly there.
    @Test func aNonDigitInsideAnEightByteWindowEndsTheNumber() throws {
        for position in 1..<12 {
            for bad in [0x2F, 0x3A, 0x3F, 0x40, 0x00, 0xB0, 0x39 + 0x80] as [UInt8] {
                var bytes = Array("123456789012".utf8)
                bytes[position] = bad
                #expect(throws: JSONError(.trailingData, at: position)) { try JSONValue(parsing: bytes) }
                #expect(throws: JSONError(.unexpectedByte, at: position + 1)) {
                    try JSONValue(parsing: [UInt8(ascii: "[")] + bytes + [UInt8(ascii: "]")])
                }
            }
            var spaced = Array("123456789012".utf8)
            spaced[position] = 0x20
            if position < 11 {
                #expect(throws: JSONError(.trailingData, at: position + 1)) { try JSONValue(parsing: spaced) }
            } else {
                #expect(try JSONValue(parsing: spaced) == .number(12_345_678_901))
            }
        }
    }

    static let integers: [Int64] = [
        0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 12345, 99999, 100_000, 1_700_000_000, 9_999_999_999,
        10_000_000_000, 9_007_199_254_740_992, Int64.max, Int64.min, Int64.min + 1, -1, -9, -10, -99, -100,
        -1_700_000_000,
    ]

    @Test func integersAreWrittenAsTheirDecimalText() {
        var generator = SystemRandomNumberGenerator()
        let random = (0..<200).map { _ in
            Int64.random(in: Int64.min...Int64.max, using: &generator) >> Int64.random(in: 0...63, using: &generator)
        }
        for value in Self.integers + random {
            var output: [UInt8] = [0x41]
            JSONSerializer.appendInteger(value, to: &output)
            #expect(output == [0x41] + Array(String(value).utf8), "\(value)")
        }
    }
}
