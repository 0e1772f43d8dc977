import Testing

@testable import ActionGateCrypto

@Suite struct JSONParserTests {
    static let accepted: [(String, JSONValue)] = [
        ("null", .null), ("true", .bool(true)), ("false", .bool(false)),
        ("0", .number(0)), ("-0", .number(0)), ("42", .number(42)), ("-17", .number(-17)),
        ("1.5", .number(1.5)), ("-0.25e2", .number(-25)), ("1E3", .number(1000)), ("1e+2", .number(100)),
        ("2e-3", .number(0.002)), ("1700000000", .number(1_700_000_000)),
        ("12345678901234567890", .number(1.2345678901234567e19)),
        (#""""#, .string("")), (#""abc""#, .string("abc")),
        (#""\"\\\/\b\f\n\r\t""#, .string("\"\\/\u{8}\u{c}\n\r\t")),
        (#""\u00e9\u0000""#, .string("é\u{0}")), (#""\ud83d\ude00""#, .string("😀")), ("\"😀é\"", .string("😀é")),
        ("[]", .array([])), ("[1,[2,[]]]", .array([.number(1), .array([.number(2), .array([])])])),
        ("{}", .object([:])), (#" { "a" : [ true , null ] } "#, .object(["a": .array([.bool(true), .null])])),
        ("\t\r\n 7 \n", .number(7)),
        (#"{"a":{"b":{"c":"d"}}}"#, .object(["a": .object(["b": .object(["c": .string("d")])])])),
    ]

    @Test(arguments: accepted)
    func parsesValidJSON(text: String, value: JSONValue) throws {
        #expect(try JSONValue(parsing: text) == value)
        #expect(try JSONValue(parsing: Array(text.utf8)) == value)
    }

    static let rejected: [([UInt8], JSONError)] = [
        (bytes(""), JSONError(.unexpectedEnd, at: 0)),
        (bytes("   "), JSONError(.unexpectedEnd, at: 3)),
        (bytes("nul"), JSONError(.unexpectedEnd, at: 3)),
        (bytes("nulL"), JSONError(.unexpectedByte, at: 3)),
        (bytes("True"), JSONError(.unexpectedByte, at: 0)),
        (bytes("1 2"), JSONError(.trailingData, at: 2)),
        (bytes("{}x"), JSONError(.trailingData, at: 2)),
        (bytes("01"), JSONError(.invalidNumber, at: 0)),
        (bytes("-"), JSONError(.invalidNumber, at: 0)),
        (bytes("+1"), JSONError(.unexpectedByte, at: 0)),
        (bytes(".5"), JSONError(.unexpectedByte, at: 0)),
        (bytes("1."), JSONError(.invalidNumber, at: 0)),
        (bytes("1e"), JSONError(.invalidNumber, at: 0)),
        (bytes("1e+"), JSONError(.invalidNumber, at: 0)),
        (bytes("NaN"), JSONError(.unexpectedByte, at: 0)),
        (bytes("Infinity"), JSONError(.unexpectedByte, at: 0)),
        (bytes("-Infinity"), JSONError(.invalidNumber, at: 0)),
        (bytes("1e400"), JSONError(.numberOutOfRange, at: 0)),
        (bytes("[-1e999]"), JSONError(.numberOutOfRange, at: 1)),
        (bytes(#""abc"#), JSONError(.unexpectedEnd, at: 4)),
        (bytes(#""a\x""#), JSONError(.invalidEscape, at: 2)),
        (bytes(#""\u12G4""#), JSONError(.invalidEscape, at: 5)),
        (bytes(#""\u12"#), JSONError(.unexpectedEnd, at: 5)),
        (bytes(#""\ud800""#), JSONError(.loneSurrogate, at: 1)),
        (bytes(#""\udc00""#), JSONError(.loneSurrogate, at: 1)),
        (bytes(#""\ud800\u0041""#), JSONError(.loneSurrogate, at: 1)),
        ([0x22, 0x61, 0x09, 0x22], JSONError(.controlCharacter, at: 2)),
        ([0x22, 0x0A, 0x22], JSONError(.controlCharacter, at: 1)),
        ([0x22, 0xC0, 0x80, 0x22], JSONError(.invalidUTF8, at: 1)),  // overlong NUL
        ([0x22, 0xE0, 0x80, 0xAF, 0x22], JSONError(.invalidUTF8, at: 1)),  // overlong '/'
        ([0x22, 0xED, 0xA0, 0x80, 0x22], JSONError(.invalidUTF8, at: 1)),  // UTF-8 encoded surrogate
        ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], JSONError(.invalidUTF8, at: 1)),  // above U+10FFFF
        ([0x22, 0xFF, 0x22], JSONError(.invalidUTF8, at: 1)),
        ([0x22, 0xC3, 0x22], JSONError(.invalidUTF8, at: 1)),  // truncated sequence
        ([0x22, 0xE2, 0x82], JSONError(.invalidUTF8, at: 1)),  // truncated at end of input
        ([0xEF, 0xBB, 0xBF, 0x31], JSONError(.unexpectedByte, at: 0)),  // byte order mark
        (bytes("[1,]"), JSONError(.unexpectedByte, at: 3)),
        (bytes("[1 2]"), JSONError(.unexpectedByte, at: 3)),
        (bytes("[1"), JSONError(.unexpectedEnd, at: 2)),
        (bytes("{\"a\"}"), JSONError(.unexpectedByte, at: 4)),
        (bytes("{\"a\":1,}"), JSONError(.unexpectedByte, at: 7)),
        (bytes("{a:1}"), JSONError(.unexpectedByte, at: 1)),
        (bytes("{'a':1}"), JSONError(.unexpectedByte, at: 1)),
        (bytes(#"{"a":1,"a":2}"#), JSONError(.duplicateKey, at: 7)),
        (bytes(#"{"a":1,"\u0061":2}"#), JSONError(.duplicateKey, at: 7)),
        (bytes("[1]/* c */"), JSONError(.trailingData, at: 3)),
    ]

    @Test(arguments: rejected)
    func rejectsInvalidJSONWithItsOffset(input: [UInt8], error: JSONError) {
        #expect(throws: error) { try JSONValue(parsing: input) }
    }

    @Test func nestingIsLimitedTo64() throws {
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(throws: Never.self) { try JSONValue(parsing: ok) }
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(throws: JSONError(.tooDeep, at: 64)) { try JSONValue(parsing: deep) }
        let objects = String(repeating: #"{"a":"#, count: 65) + "1" + String(repeating: "}", count: 65)
        #expect(throws: JSONError(.tooDeep, at: 64 * 5)) { try JSONValue(parsing: objects) }
        // Far deeper input must fail the same way, never overflow the stack.
        let hostile = String(repeating: "[", count: 1_000_000)
        #expect(throws: JSONError(.tooDeep, at: 64)) { try JSONValue(parsing: hostile) }
    }

    /// Long strings go through the vector/word scans; a special byte at any position must still be seen.
    @Test func specialBytesAreFoundAtEveryPositionOfLongStrings() throws {
        let plain = [UInt8](repeating: UInt8(ascii: "x"), count: 70)
        for position in plain.indices {
            var control = [0x22] + plain + [0x22]
            control[position + 1] = 0x1F
            #expect(throws: JSONError(.controlCharacter, at: position + 1)) { try JSONValue(parsing: control) }
            var badUTF8 = [0x22] + plain + [0x22]
            badUTF8[position + 1] = 0xFF
            #expect(throws: JSONError(.invalidUTF8, at: position + 1)) { try JSONValue(parsing: badUTF8) }
            var escaped = [0x22] + plain + [0x22]
            escaped.replaceSubrange(position + 1..<position + 2, with: [0x5C, UInt8(ascii: "n")])
            #expect(
                try JSONValue(parsing: escaped)
                    == .string(
                        String(repeating: "x", count: position) + "\n"
                            + String(repeating: "x", count: 69 - position)))
            var quoted = [0x22] + plain + [0x22]
            quoted[position + 1] = 0x22
            #expect(throws: JSONError(.trailingData, at: position + 2)) { try JSONValue(parsing: quoted) }
        }
    }

    @Test func capturesTheExactBytesOfATopLevelMember() throws {
        let text = #"{"iat":1, "data" : { "b" : [1, 2.50] } ,"x":{"data":3}}"#
        let range = try #require(try JSONMemberScanner.valueRange(ofMember: "data", in: Array(text.utf8)))
        #expect(String(decoding: Array(text.utf8)[range], as: UTF8.self) == #"{ "b" : [1, 2.50] }"#)
        #expect(try JSONMemberScanner.valueRange(ofMember: "missing", in: Array(text.utf8)) == nil)
        #expect(try JSONMemberScanner.valueRange(ofMember: "data", in: Array("[1]".utf8)) == nil)
        #expect(throws: JSONError.self) { try JSONMemberScanner.valueRange(ofMember: "data", in: Array("{".utf8)) }
        let escaped = Array(#"{"d\u0061ta":"v"}"#.utf8)
        #expect(try JSONMemberScanner.valueRange(ofMember: "data", in: escaped) == 13..<16)
    }

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
}
