import Testing

@testable import ActionGateCore

/// The word-at-a-time scans of the head parsers, held to their byte-by-byte definitions: a control
/// byte or DEL anywhere in a value, at any offset from a word boundary, is still found.
@Suite struct HTTPHeadSyntaxTests {
    static func referenceHasControlOrDelete(_ word: UInt64) -> Bool {
        (0..<8).contains { shift in
            let byte = UInt8(truncatingIfNeeded: word >> (shift * 8))
            return byte < 0x20 || byte == 0x7F
        }
    }

    static func word(_ bytes: [UInt8]) -> UInt64 {
        bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
    }

    @Test func controlOrDeleteWordCheckMatchesEveryByteAtEveryPosition() {
        for fill in [UInt8(ascii: "a"), 0x20, 0x7E, 0x80, 0xFF, 0x21] {
            for position in 0..<8 {
                for byte in UInt8.min...UInt8.max {
                    var bytes = [UInt8](repeating: fill, count: 8)
                    bytes[position] = byte
                    let word = Self.word(bytes)
                    #expect(
                        HTTPHeadSyntax.hasControlOrDelete(word) == Self.referenceHasControlOrDelete(word),
                        "byte \(byte) at \(position) among \(fill)")
                }
            }
        }
    }

    @Test func controlOrDeleteWordCheckMatchesRandomWords() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<50_000 {
            // Bytes near the thresholds are drawn most: where a borrow could flag wrongly.
            let bytes = (0..<8).map { _ -> UInt8 in
                let choices: [UInt8] = [0x00, 0x09, 0x0D, 0x1F, 0x20, 0x21, 0x7E, 0x7F, 0x80, 0xFF]
                return generator.next() % 2 == 0
                    ? choices[Int(generator.next() % UInt64(choices.count))]
                    : UInt8(truncatingIfNeeded: generator.next())
            }
            let word = Self.word(bytes)
            #expect(HTTPHeadSyntax.hasControlOrDelete(word) == Self.referenceHasControlOrDelete(word), "\(bytes)")
        }
    }

    static func fieldLine(_ value: [UInt8]) -> Result<String?, HTTPHeadSyntax.FieldLineProblem> {
        let line = Array("X-Long: ".utf8) + value + Array("\r\n\r\n".utf8)
        return line.withUnsafeBufferPointer { head -> Result<String?, HTTPHeadSyntax.FieldLineProblem> in
            var position = 0
            do throws(HTTPHeadSyntax.FieldLineProblem) {
                guard let (_, range) = try HTTPHeadSyntax.nextFieldLine(head, position: &position) else {
                    return .success(nil)
                }
                return .success(head.string(range))
            } catch {
                return .failure(error)
            }
        }
    }

    @Test func aControlByteOrDeleteAtAnyOffsetOfALongValueIsRefused() {
        for offset in 0..<40 {
            for byte: UInt8 in [0x00, 0x01, 0x0A, 0x1F, 0x7F] {
                var value = [UInt8](repeating: UInt8(ascii: "v"), count: 40)
                value[offset] = byte
                guard case .failure(let problem) = Self.fieldLine(value) else {
                    Issue.record("byte \(byte) at offset \(offset) accepted")
                    continue
                }
                #expect(problem == .invalid, "byte \(byte) at offset \(offset)")
            }
            var bareCR = [UInt8](repeating: UInt8(ascii: "v"), count: 40)
            bareCR[offset] = 0x0D
            if case .failure(let problem) = Self.fieldLine(bareCR) {
                #expect(problem == .bareCR, "CR at offset \(offset)")
            } else {
                Issue.record("a bare CR at offset \(offset) accepted")
            }
        }
    }

    @Test func tabsAndObsTextAtAnyOffsetAreKept() throws {
        for offset in 1..<39 {
            for byte: UInt8 in [0x09, 0x80, 0xC3, 0xFF] {
                var value = [UInt8](repeating: UInt8(ascii: "v"), count: 40)
                value[offset] = byte
                let kept = try Self.fieldLine(value).get()
                #expect(kept == String(decoding: value, as: UTF8.self), "byte \(byte) at offset \(offset)")
            }
        }
    }

    @Test func validStringTakesASCIIAndUTF8AndRefusesEverythingElse() {
        func valid(_ bytes: [UInt8]) -> String? {
            bytes.withUnsafeBufferPointer { $0.validString(0..<$0.count) }
        }
        for length in 0..<24 {
            let ascii = [UInt8](repeating: UInt8(ascii: "a"), count: length)
            #expect(valid(ascii) == String(repeating: "a", count: length))
            for offset in 0..<length {
                var invalid = ascii
                invalid[offset] = 0xFF
                #expect(valid(invalid) == nil, "0xFF at \(offset) of \(length)")
                var lone = ascii
                lone[offset] = 0xC3  // a lead byte without its continuation
                #expect(valid(lone) == nil, "0xC3 at \(offset) of \(length)")
            }
        }
        #expect(valid(Array("caf\u{E9} \u{212A}".utf8)) == "caf\u{E9} \u{212A}")
    }

    @Test func sameBytesIsNotCanonicalEquivalence() {
        #expect("\u{212A}ate" == "Kate")  // why `==` is not used
        #expect(!"\u{212A}ate".hasSameBytes(as: "Kate"))
        #expect("Kate".hasSameBytes(as: "Kate"))
        #expect("".hasSameBytes(as: ""))
        #expect(!"Kate".hasSameBytes(as: "Kat"))
        #expect(!"Kate".hasSameBytes(as: "kate"))
        let long = String(repeating: "x", count: 100)
        #expect(long.hasSameBytes(as: String(repeating: "x", count: 100)))
        #expect(!long.hasSameBytes(as: String(repeating: "x", count: 99) + "y"))
        #expect("abc".isASCII && !"ab\u{E9}".isASCII && "".isASCII)
    }
}
