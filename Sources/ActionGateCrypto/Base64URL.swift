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
    private static let alphabet: [UInt8] = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

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
            pairTable.withUnsafeBufferPointer { pairs in
                encode(bytes, pairs: pairs, into: UnsafeMutableRawBufferPointer(output))
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

    /// For each 12-bit value, its two characters (first in the low byte): two lookups per 3 input bytes.
    private static let pairTable: [UInt16] = (0..<4096).map { value in
        UInt16(alphabet[value >> 6]) | UInt16(alphabet[value & 63]) << 8
    }

    /// The 8 characters for the top 48 bits of `bits`, first character in the low byte.
    @inline(__always)
    private static func characters(_ bits: UInt64, _ pairs: UnsafeBufferPointer<UInt16>) -> UInt64 {
        UInt64(pairs[Int(bits >> 52)]) | UInt64(pairs[Int(bits >> 40 & 0xFFF)]) << 16
            | UInt64(pairs[Int(bits >> 28 & 0xFFF)]) << 32 | UInt64(pairs[Int(bits >> 16 & 0xFFF)]) << 48
    }

    private static func encode(
        _ input: UnsafeRawBufferPointer, pairs: UnsafeBufferPointer<UInt16>, into output: UnsafeMutableRawBufferPointer
    ) {
        var i = 0
        var o = 0
        // 12 input bytes → 16 characters per step: two independent 8-byte loads (2 bytes of look-ahead
        // each), eight pair lookups, two 8-byte stores.
        while i + 14 <= input.count {
            let first = UInt64(bigEndian: input.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            let second = UInt64(bigEndian: input.loadUnaligned(fromByteOffset: i + 6, as: UInt64.self))
            output.storeBytes(of: characters(first, pairs).littleEndian, toByteOffset: o, as: UInt64.self)
            output.storeBytes(of: characters(second, pairs).littleEndian, toByteOffset: o + 8, as: UInt64.self)
            i += 12
            o += 16
        }
        while i + 8 <= input.count {
            let bits = UInt64(bigEndian: input.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            output.storeBytes(of: characters(bits, pairs).littleEndian, toByteOffset: o, as: UInt64.self)
            i += 6
            o += 8
        }
        while i + 3 <= input.count {
            let word = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
            output.storeBytes(of: pairs[Int(word >> 12)].littleEndian, toByteOffset: o, as: UInt16.self)
            output.storeBytes(of: pairs[Int(word & 0xFFF)].littleEndian, toByteOffset: o + 2, as: UInt16.self)
            i += 3
            o += 4
        }
        let rest = input.count - i
        guard rest > 0 else { return }
        let word = UInt32(input[i]) << 16 | (rest == 2 ? UInt32(input[i + 1]) << 8 : 0)
        output[o] = alphabet[Int(word >> 18 & 63)]
        output[o + 1] = alphabet[Int(word >> 12 & 63)]
        if rest == 2 { output[o + 2] = alphabet[Int(word >> 6 & 63)] }
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

    /// Per character position k in a 4-character group, its 6 bits already shifted into place in a
    /// 24-bit group; characters outside the alphabet map to `invalid` (bit 24 up), so one OR of four
    /// lookups both assembles the group and flags any bad character.
    private static let shiftedTables: [UInt32] = (0..<4).flatMap { position in
        (0..<256).map { byte in
            let value = decodeTable[byte]
            return value == 0xFF ? invalid : UInt32(value) << (18 - 6 * UInt32(position))
        }
    }
    private static let invalid: UInt32 = 0x0100_0000

    /// For each pair of characters (first in the low byte of the index), their 12 bits; pairs with a
    /// character outside the alphabet map to `pairInvalid`. 128 KiB, of which valid input touches ~12 KiB.
    private static let pairDecodeTable: [UInt16] = (0..<65536).map { index in
        let first = decodeTable[index & 0xFF]
        let second = decodeTable[index >> 8]
        return first == 0xFF || second == 0xFF ? pairInvalid : UInt16(first) << 6 | UInt16(second)
    }
    private static let pairInvalid: UInt16 = 0x8000

    /// Decodes into `output`, which must hold exactly `decodedCount(encoded.count)` bytes.
    public static func decode(
        _ encoded: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws(Base64URLError) {
        guard let count = decodedCount(encoded.count), output.count == count else { throw .invalidLength }
        let result = shiftedTables.withUnsafeBufferPointer { tables -> Base64URLError? in
            pairDecodeTable.withUnsafeBufferPointer { pairs -> Base64URLError? in
                guard let t0 = tables.baseAddress else { return .invalidLength }
                let t1 = t0 + 256
                let t2 = t0 + 512
                let t3 = t0 + 768
                var i = 0
                var o = 0
                let whole = encoded.count & ~3
                // 8 characters → 6 bytes: one 8-byte load, four lookups of two characters each, one 8-byte
                // store whose last two bytes the next step overwrites. Two such steps per iteration.
                while i + 16 <= whole, o + 14 <= output.count {
                    let first = encoded.loadUnaligned(fromByteOffset: i, as: UInt64.self).littleEndian
                    let second = encoded.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self).littleEndian
                    guard let high = sixBytes(first, pairs), let low = sixBytes(second, pairs) else {
                        return invalidCharacter(in: encoded, from: i)
                    }
                    output.storeBytes(of: high.bigEndian, toByteOffset: o, as: UInt64.self)
                    output.storeBytes(of: low.bigEndian, toByteOffset: o + 6, as: UInt64.self)
                    i += 16
                    o += 12
                }
                while i + 8 <= whole, o + 8 <= output.count {
                    let chars = encoded.loadUnaligned(fromByteOffset: i, as: UInt64.self).littleEndian
                    guard let bytes = sixBytes(chars, pairs) else { return invalidCharacter(in: encoded, from: i) }
                    output.storeBytes(of: bytes.bigEndian, toByteOffset: o, as: UInt64.self)
                    i += 8
                    o += 6
                }
                // 4 characters → 3 bytes for the last whole groups.
                while i < whole {
                    let word =
                        t0[Int(encoded[i])] | t1[Int(encoded[i + 1])] | t2[Int(encoded[i + 2])]
                        | t3[Int(encoded[i + 3])]
                    guard word < invalid else { return invalidCharacter(in: encoded, from: i) }
                    output[o] = UInt8(truncatingIfNeeded: word >> 16)
                    output[o + 1] = UInt8(truncatingIfNeeded: word >> 8)
                    output[o + 2] = UInt8(truncatingIfNeeded: word)
                    i += 4
                    o += 3
                }
                let rest = encoded.count - whole
                guard rest > 0 else { return nil }
                var word = t0[Int(encoded[i])] | t1[Int(encoded[i + 1])]
                if rest == 3 { word |= t2[Int(encoded[i + 2])] }
                guard word < invalid else { return invalidCharacter(in: encoded, from: i) }
                output[o] = UInt8(truncatingIfNeeded: word >> 16)
                if rest == 3 { output[o + 1] = UInt8(truncatingIfNeeded: word >> 8) }
                // 2 chars carry 12 bits for 8 data bits; 3 chars carry 18 for 16. The rest must be zero.
                let spare: UInt32 = rest == 2 ? 0x00_FFFF : 0x00_00FF
                return word & spare == 0 ? nil : .nonZeroTrailingBits
            }
        }
        if let result { throw result }
    }

    /// The 6 bytes (in the top 48 bits) that 8 characters (first in the low byte) encode, or nil if a
    /// character is outside the alphabet.
    @inline(__always)
    private static func sixBytes(_ chars: UInt64, _ pairs: UnsafeBufferPointer<UInt16>) -> UInt64? {
        let a = pairs[Int(chars & 0xFFFF)]
        let b = pairs[Int(chars >> 16 & 0xFFFF)]
        let c = pairs[Int(chars >> 32 & 0xFFFF)]
        let d = pairs[Int(chars >> 48)]
        guard (a | b | c | d) & pairInvalid == 0 else { return nil }
        return UInt64(a) << 52 | UInt64(b) << 40 | UInt64(c) << 28 | UInt64(d) << 16
    }

    private static func invalidCharacter(in encoded: UnsafeRawBufferPointer, from start: Int) -> Base64URLError {
        var offset = start
        while offset < encoded.count, decodeTable[Int(encoded[offset])] != 0xFF { offset += 1 }
        return .invalidCharacter(offset: offset)
    }
}
