/// Why a string is not strict unpadded base64url (RFC 4648 §5).
public enum Base64URLError: Error, Equatable, Hashable, Sendable {
    /// The length leaves one character over (n mod 4 == 1), which no byte string encodes to.
    case invalidLength
    /// A byte outside `A–Z a–z 0–9 - _` (including `=` padding and whitespace), at this offset.
    case invalidCharacter(offset: Int)
    /// The last character carries bits beyond the data that are not zero: a non-canonical encoding.
    case nonZeroTrailingBits
}

/// Base64url without padding, strict on decode: one canonical encoding per byte string.
///
/// Strictness matters for tokens: if several strings decoded to the same bytes, a "different" token
/// could carry the same ciphertext, and caches or replay checks keyed on the string would be fooled.
public enum Base64URL {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Maps an ASCII byte to its 6-bit value, or 0xFF for bytes outside the alphabet.
    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(value) }
        return table
    }()

    /// Number of characters the encoding of `byteCount` bytes has.
    public static func encodedCount(_ byteCount: Int) -> Int {
        byteCount / 3 * 4 + [0, 2, 3][byteCount % 3]
    }

    /// Number of bytes a string of `characterCount` characters decodes to, or nil if no string has that length.
    public static func decodedCount(_ characterCount: Int) -> Int? {
        guard characterCount >= 0, characterCount % 4 != 1 else { return nil }
        return characterCount / 4 * 3 + [0, 0, 1, 2][characterCount % 4]
    }

    /// Encodes bytes as unpadded base64url.
    public static func encode(_ bytes: UnsafeRawBufferPointer) -> String {
        let count = encodedCount(bytes.count)
        return String(unsafeUninitializedCapacity: count) { output in
            alphabet.withUnsafeBufferPointer { table in
                encode(bytes, table: table, into: UnsafeMutableRawBufferPointer(output))
            }
            return count
        }
    }

    /// Encodes bytes as unpadded base64url.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        if let result = bytes.withContiguousStorageIfAvailable({ encode(UnsafeRawBufferPointer($0)) }) {
            return result
        }
        return Array(bytes).withUnsafeBytes { encode($0) }
    }

    private static func encode(
        _ input: UnsafeRawBufferPointer, table: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableRawBufferPointer
    ) {
        var i = 0
        var o = 0
        let whole = input.count - input.count % 3
        while i < whole {
            let word = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
            output[o] = table[Int(word >> 18 & 63)]
            output[o + 1] = table[Int(word >> 12 & 63)]
            output[o + 2] = table[Int(word >> 6 & 63)]
            output[o + 3] = table[Int(word & 63)]
            i += 3
            o += 4
        }
        switch input.count - whole {
        case 1:
            let word = UInt32(input[i]) << 16
            output[o] = table[Int(word >> 18 & 63)]
            output[o + 1] = table[Int(word >> 12 & 63)]
        case 2:
            let word = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8
            output[o] = table[Int(word >> 18 & 63)]
            output[o + 1] = table[Int(word >> 12 & 63)]
            output[o + 2] = table[Int(word >> 6 & 63)]
        default:
            break
        }
    }

    /// Decodes strict unpadded base64url text (its UTF-8 bytes) into bytes.
    public static func decode(_ text: some StringProtocol) throws(Base64URLError) -> [UInt8] {
        try decode(text.utf8)
    }

    /// Decodes strict unpadded base64url given as ASCII bytes.
    public static func decode(_ encoded: some Collection<UInt8>) throws(Base64URLError) -> [UInt8] {
        let result = encoded.withContiguousStorageIfAvailable { buffer in
            Result { () throws(Base64URLError) in try decode(UnsafeRawBufferPointer(buffer)) }
        }
        if let result { return try result.get() }
        let copy = Array(encoded)
        return try copy.withUnsafeBytes { buffer in
            Result { () throws(Base64URLError) in try decode(buffer) }
        }.get()
    }

    /// Decodes strict unpadded base64url from raw ASCII bytes.
    public static func decode(_ encoded: UnsafeRawBufferPointer) throws(Base64URLError) -> [UInt8] {
        guard let count = decodedCount(encoded.count) else { throw .invalidLength }
        var failure: Base64URLError?
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { output, initialized in
            do throws(Base64URLError) {
                try decode(encoded, into: UnsafeMutableRawBufferPointer(output))
                initialized = count
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return bytes
    }

    /// Decodes into `output`, which must hold exactly `decodedCount(encoded.count)` bytes.
    public static func decode(
        _ encoded: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws(Base64URLError) {
        guard let count = decodedCount(encoded.count), output.count == count else { throw .invalidLength }
        let result = decodeTable.withUnsafeBufferPointer { table -> Base64URLError? in
            var i = 0
            var o = 0
            let whole = encoded.count & ~3
            while i < whole {
                let a = table[Int(encoded[i])], b = table[Int(encoded[i + 1])]
                let c = table[Int(encoded[i + 2])], d = table[Int(encoded[i + 3])]
                guard (a | b | c | d) & 0xC0 == 0 else { return invalidCharacter(in: encoded, from: i, table: table) }
                let word = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                output[o] = UInt8(truncatingIfNeeded: word >> 16)
                output[o + 1] = UInt8(truncatingIfNeeded: word >> 8)
                output[o + 2] = UInt8(truncatingIfNeeded: word)
                i += 4
                o += 3
            }
            let rest = encoded.count - whole
            guard rest > 0 else { return nil }
            var word: UInt32 = 0
            for k in 0..<rest {
                let value = table[Int(encoded[i + k])]
                guard value & 0xC0 == 0 else { return invalidCharacter(in: encoded, from: i, table: table) }
                word |= UInt32(value) << (18 - 6 * UInt32(k))
            }
            output[o] = UInt8(truncatingIfNeeded: word >> 16)
            if rest == 3 { output[o + 1] = UInt8(truncatingIfNeeded: word >> 8) }
            // 2 chars carry 12 bits for 8 data bits; 3 chars carry 18 for 16. The rest must be zero.
            let spare: UInt32 = rest == 2 ? 0x00_FFFF : 0x00_00FF
            return word & spare == 0 ? nil : .nonZeroTrailingBits
        }
        if let result { throw result }
    }

    private static func invalidCharacter(
        in encoded: UnsafeRawBufferPointer, from start: Int, table: UnsafeBufferPointer<UInt8>
    ) -> Base64URLError {
        var offset = start
        while offset < encoded.count, table[Int(encoded[offset])] != 0xFF { offset += 1 }
        return .invalidCharacter(offset: offset)
    }
}
