import Testing

@testable import ActionGateCrypto

@Suite struct Base64URLTests {
    /// RFC 4648 section 10 vectors, unpadded, plus the two characters base64url changes.
    static let vectors: [(String, String)] = [
        ("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"),
        ("foobar", "Zm9vYmFy"),
    ]

    @Test(arguments: vectors)
    func encodesAndDecodesRFC4648Vectors(plain: String, encoded: String) throws {
        #expect(Base64URL.encode(Array(plain.utf8)) == encoded)
        #expect(try Base64URL.decode(encoded) == Array(plain.utf8))
    }

    @Test func usesTheURLSafeAlphabet() throws {
        #expect(Base64URL.encode([0xfb, 0xff, 0xbf]) == "-_-_")
        #expect(try Base64URL.decode("-_-_") == [0xfb, 0xff, 0xbf])
        #expect(Base64URL.encode(Array(0...255)).allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
    }

    /// Every non-canonical or foreign spelling is refused with the reason.
    static let rejections: [(String, Base64URLError)] = [
        ("Z", .invalidLength),
        ("Zm9vY", .invalidLength),
        ("Zg==", .invalidCharacter(offset: 2)),
        ("Zm8=", .invalidCharacter(offset: 3)),
        ("Zm9v+w", .invalidCharacter(offset: 4)),
        ("Zm9v/w", .invalidCharacter(offset: 4)),
        (" Zm9", .invalidCharacter(offset: 0)),
        ("Zm9v\n\n", .invalidCharacter(offset: 4)),
        ("Zm.v", .invalidCharacter(offset: 2)),
        ("Zm9\u{0}", .invalidCharacter(offset: 3)),
        ("Zé9", .invalidCharacter(offset: 1)),
        ("Zh", .nonZeroTrailingBits),  // 'h' leaves 4 spare bits = 0001
        ("Zm9", .nonZeroTrailingBits),  // '9' leaves 2 spare bits = 01
        ("AB", .nonZeroTrailingBits),
        ("AAB", .nonZeroTrailingBits),
    ]

    @Test(arguments: rejections)
    func rejectsNonCanonicalInput(input: String, reason: Base64URLError) {
        #expect(throws: reason) { try Base64URL.decode(input) }
    }

    @Test func roundTripsEveryLengthAndRandomBytes() throws {
        for length in 0..<100 {
            let bytes = try SecureRandom.bytes(length)
            let encoded = Base64URL.encode(bytes)
            #expect(encoded.utf8.count == Base64URL.encodedCount(length))
            #expect(Base64URL.decodedCount(encoded.utf8.count) == length)
            #expect(try Base64URL.decode(encoded) == bytes)
        }
    }

    /// Each byte string has exactly one accepted spelling: of all 4096 two-character strings, exactly
    /// 256 decode (one per byte value), and each re-encodes to itself.
    @Test func exactlyOneSpellingPerByteString() throws {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var decoded: Set<[UInt8]> = []
        for first in alphabet {
            for second in alphabet {
                guard let bytes = try? Base64URL.decode([first, second]) else { continue }
                #expect(Array(Base64URL.encode(bytes).utf8) == [first, second])
                decoded.insert(bytes)
            }
        }
        #expect(decoded.count == 256)
    }

    /// The word-at-a-time loops must find a bad character at any position of a long input.
    @Test(arguments: [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "/"), 0x00, 0x80, 0xFF, UInt8(ascii: " ")])
    func findsABadCharacterAnywhereInLongInput(bad: UInt8) throws {
        let valid = Array(Base64URL.encode(try SecureRandom.bytes(60)).utf8)  // 80 characters
        for position in valid.indices {
            var input = valid
            input[position] = bad
            #expect(throws: Base64URLError.invalidCharacter(offset: position)) { try Base64URL.decode(input) }
        }
    }

    @Test func decodesIntoACallerBuffer() throws {
        var output = [UInt8](repeating: 0, count: 6)
        try Array("Zm9vYmFy".utf8).withUnsafeBytes { input in
            try output.withUnsafeMutableBytes { try Base64URL.decode(input, into: $0) }
        }
        #expect(output == Array("foobar".utf8))
        #expect(throws: Base64URLError.invalidLength) {
            var small = [UInt8](repeating: 0, count: 5)
            try Array("Zm9vYmFy".utf8).withUnsafeBytes { input in
                try small.withUnsafeMutableBytes { try Base64URL.decode(input, into: $0) }
            }
        }
    }

    // MARK: Against a reference

    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// The textbook encoder: 6 bits at a time, no tables beyond the alphabet.
    static func referenceEncode(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var bits = 0
        var buffer: UInt32 = 0
        for byte in bytes {
            buffer = buffer << 8 | UInt32(byte)
            bits += 8
            while bits >= 6 {
                bits -= 6
                output.append(alphabet[Int(buffer >> UInt32(bits) & 63)])
            }
        }
        if bits > 0 { output.append(alphabet[Int(buffer << UInt32(6 - bits) & 63)]) }
        return output
    }

    /// The textbook strict decoder: nil unless every character is in the alphabet, the length is not
    /// 1 mod 4 and the unused bits of the last character are zero.
    static func referenceDecode(_ text: [UInt8]) -> [UInt8]? {
        guard text.count % 4 != 1 else { return nil }
        var output: [UInt8] = []
        var bits = 0
        var buffer: UInt32 = 0
        for character in text {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            buffer = buffer << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        guard buffer & ((1 << UInt32(bits)) - 1) == 0 else { return nil }
        return output
    }

    /// Every length from 0 to 200 (all tail shapes, every loop's entry and exit), random bytes.
    @Test func matchesTheReferenceForEveryLengthUpTo200() throws {
        for length in 0...200 {
            for _ in 0..<4 {
                let bytes = try SecureRandom.bytes(length)
                let encoded = Base64URL.encode(bytes)
                #expect(Array(encoded.utf8) == Self.referenceEncode(bytes), "length \(length)")
                #expect(try Base64URL.decode(encoded) == bytes, "length \(length)")
                #expect(Self.referenceDecode(Array(encoded.utf8)) == bytes)
                // The bytes overload and a caller buffer give the same.
                var output = [UInt8](repeating: 0xAA, count: length)
                try Array(encoded.utf8).withUnsafeBytes { input in
                    try output.withUnsafeMutableBytes { try Base64URL.decode(input, into: $0) }
                }
                #expect(output == bytes)
            }
        }
    }

    /// Every byte outside the alphabet, at every position of strings long enough for every loop: the
    /// error names that position. A second bad byte later on does not change it.
    @Test(arguments: [6, 11, 16, 23, 40, 67])
    func everyInvalidByteAtEveryPositionGivesItsOffset(length: Int) throws {
        let valid = Array(Base64URL.encode(try SecureRandom.bytes(length / 4 * 3 + [0, 0, 1, 2][length % 4])).utf8)
        #expect(valid.count == length)
        let invalidBytes = (0...255).map(UInt8.init).filter { !Self.alphabet.contains($0) }
        #expect(invalidBytes.count == 192)
        // Mismatches are collected and checked once: ~80,000 `#expect`s would cost seconds of CPU
        // in a debug build, taken from the threads every other test shares.
        var mismatches: [String] = []
        for position in valid.indices {
            for bad in invalidBytes {
                var input = valid
                input[position] = bad
                if Self.decodeError(input) != .invalidCharacter(offset: position) {
                    mismatches.append(
                        "0x\(String(bad, radix: 16)) at \(position): \(String(describing: Self.decodeError(input)))")
                }
                if position + 1 < input.count {
                    input[input.count - 1] = 0x20
                    if Self.decodeError(input) != .invalidCharacter(offset: position) {
                        mismatches.append(
                            "0x\(String(bad, radix: 16)) at \(position), then a space: \(String(describing: Self.decodeError(input)))"
                        )
                    }
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, first: \(mismatches.prefix(3))")
    }

    /// The error `Base64URL.decode` throws for `input` (nil when it decodes).
    static func decodeError(_ input: [UInt8]) -> Base64URLError? {
        do {
            _ = try Base64URL.decode(input)
            return nil
        } catch {
            return error
        }
    }

    /// For a final group of 2 or 3 characters, of the 64 possible last characters exactly those that
    /// leave the spare bits zero are accepted (4 and 16 of them), after any prefix length.
    @Test(arguments: [0, 4, 32, 64, 100])
    func nonCanonicalTrailingBitsAreRefused(prefixLength: Int) throws {
        let prefix = Array(Base64URL.encode(try SecureRandom.bytes(prefixLength / 4 * 3)).utf8)
        for (tail, acceptedCount) in [([UInt8(ascii: "Q")], 4), ([UInt8(ascii: "Q"), UInt8(ascii: "k")], 16)] {
            var accepted = 0
            for last in Self.alphabet {
                let input = prefix + tail + [last]
                let expected = Self.referenceDecode(input)
                if let expected {
                    #expect(try Base64URL.decode(input) == expected)
                    accepted += 1
                } else {
                    #expect(throws: Base64URLError.nonZeroTrailingBits) { try Base64URL.decode(input) }
                }
            }
            #expect(accepted == acceptedCount)
        }
    }

    /// A bad character is reported before non-zero trailing bits, and a bad length before both.
    @Test func errorsHaveAFixedPrecedence() {
        #expect(throws: Base64URLError.invalidCharacter(offset: 0)) { try Base64URL.decode("=h") }
        #expect(throws: Base64URLError.invalidCharacter(offset: 20)) {
            try Base64URL.decode(String(repeating: "A", count: 20) + "=AB")
        }
        #expect(throws: Base64URLError.invalidLength) { try Base64URL.decode("=====") }
    }

    // MARK: Vector kernels and scalar code

    /// Decodes with the vector kernels on or off.
    static func decode(_ text: [UInt8], vectorKernels: Bool) -> Result<[UInt8], Base64URLError> {
        guard let count = Base64URL.decodedCount(text.count) else { return .failure(.invalidLength) }
        var output = [UInt8](repeating: 0, count: count)
        return text.withUnsafeBytes { input in
            output.withUnsafeMutableBytes { buffer in
                Result { () throws(Base64URLError) in
                    try Base64URL.decode(input, into: buffer, vectorKernels: vectorKernels)
                }
            }
        }.map { output }
    }

    /// Encodes with the vector kernels on or off.
    static func encode(_ bytes: [UInt8], vectorKernels: Bool) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Base64URL.encodedCount(bytes.count))
        bytes.withUnsafeBytes { input in
            output.withUnsafeMutableBytes { Base64URL.encode(input, into: $0, vectorKernels: vectorKernels) }
        }
        return output
    }

    /// Where the CPU has the kernels, they and the scalar code give the same bytes for every length
    /// (block boundaries at 24 bytes / 32 characters), and both match the reference.
    @Test func vectorKernelsAndScalarCodeAgreeForEveryLength() throws {
        for length in 0...400 {
            let bytes = try SecureRandom.bytes(length)
            let reference = Self.referenceEncode(bytes)
            #expect(Self.encode(bytes, vectorKernels: true) == reference, "length \(length)")
            #expect(Self.encode(bytes, vectorKernels: false) == reference, "length \(length)")
            #expect((try? Self.decode(reference, vectorKernels: true).get()) == bytes, "length \(length)")
            #expect((try? Self.decode(reference, vectorKernels: false).get()) == bytes, "length \(length)")
        }
    }

    /// Both paths report the first bad character, wherever it is (inside a vector block, in the scalar
    /// tail, or one of each), and agree on every other error.
    @Test func vectorKernelsAndScalarCodeReportTheSameErrors() throws {
        let valid = Array(Base64URL.encode(try SecureRandom.bytes(120)).utf8)  // 160 characters
        let invalidBytes = (0...255).map(UInt8.init).filter { !Self.alphabet.contains($0) }
        var mismatches: [String] = []  // checked once, as above
        for position in valid.indices {
            for bad in invalidBytes where bad.isMultiple(of: 3) || bad >= 0x80 {
                var input = valid
                input[position] = bad
                let vector = Self.decode(input, vectorKernels: true)
                if vector != .failure(.invalidCharacter(offset: position)) {
                    mismatches.append("vector, 0x\(String(bad, radix: 16)) at \(position): \(vector)")
                }
                if Self.decode(input, vectorKernels: false) != vector {
                    mismatches.append("scalar differs, 0x\(String(bad, radix: 16)) at \(position)")
                }
                let second = valid.count - 1 - position / 2
                input[second] = UInt8(ascii: "=")
                let twice = Self.decode(input, vectorKernels: true)
                if twice != Self.decode(input, vectorKernels: false) {
                    mismatches.append("scalar differs, 0x\(String(bad, radix: 16)) at \(position) and = at \(second)")
                }
                if twice != .failure(.invalidCharacter(offset: min(position, second))) {
                    mismatches.append("vector, 0x\(String(bad, radix: 16)) at \(position) and = at \(second): \(twice)")
                }
            }
        }
        for length in [34, 35, 66, 67, 98, 99] {
            for last in Self.alphabet {
                let input = Array(valid[0..<length - 1]) + [last]
                if Self.decode(input, vectorKernels: true) != Self.decode(input, vectorKernels: false) {
                    mismatches.append("length \(length), last \(last): the paths differ")
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, first: \(mismatches.prefix(3))")
    }
}
