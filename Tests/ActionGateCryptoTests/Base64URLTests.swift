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
}
