import CBase64URL

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
///
/// Speed: on x86-64 CPUs with AVX2 the bulk goes through the vector kernels of `CBase64URL` (32
/// characters per step); everything else — tails, other CPUs, locating a bad character, the final
/// group's rules — is the Swift code here, which works two characters (12 bits) at a time through
/// lookup tables. Swift's own SIMD types cannot do better on baseline x86-64 (SSE2 has no byte
/// shuffle): a vector version of the character mapping alone costs more than the table loads.
public enum Base64URL {
    /// Whether the `CBase64URL` kernels run on this CPU (checked once).
    static let vectorKernelsAvailable = ag_base64url_vector_available()

    /// Number of characters the encoding of `byteCount` bytes has.
    public static func encodedCount(_ byteCount: Int) -> Int {
        byteCount / 3 * 4 + [0, 2, 3][byteCount % 3]
    }

    /// Number of bytes a string of `characterCount` characters decodes to, or nil if no string has that length.
    public static func decodedCount(_ characterCount: Int) -> Int? {
        guard characterCount >= 0, characterCount % 4 != 1 else { return nil }
        return characterCount / 4 * 3 + [0, 0, 1, 2][characterCount % 4]
    }

    // MARK: Encoding

    /// Encodes bytes as unpadded base64url.
    public static func encode(_ bytes: UnsafeRawBufferPointer) -> String {
        let count = encodedCount(bytes.count)
        return String(unsafeUninitializedCapacity: count) { output in
            encode(bytes, into: UnsafeMutableRawBufferPointer(output))
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

    /// Writes the encoding of `input` into `output`, which holds exactly `encodedCount(input.count)` bytes.
    private static func encode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) {
        encode(input, into: output, vectorKernels: vectorKernelsAvailable)
    }

    /// `encode(_:into:)` with the vector kernels on or off (tests compare the two).
    static func encode(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, vectorKernels: Bool
    ) {
        guard let source = input.baseAddress, let target = output.baseAddress else { return }
        let pairs = Base64URLTables.shared.encodePairs
        let count = input.count
        var i = 0
        var o = 0
        if vectorKernels {
            i = ag_base64url_encode_blocks(
                source.assumingMemoryBound(to: UInt8.self), count, target.assumingMemoryBound(to: UInt8.self),
                output.count)
            o = i / 3 * 4
        }
        // 12 input bytes → 16 characters per step: two 8-byte loads (2 bytes of look-ahead each), eight
        // pair lookups, two 8-byte stores.
        while i <= count &- 14 {
            let first = UInt64(bigEndian: source.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            let second = UInt64(bigEndian: source.loadUnaligned(fromByteOffset: i &+ 6, as: UInt64.self))
            target.storeBytes(of: characters(first, pairs).littleEndian, toByteOffset: o, as: UInt64.self)
            target.storeBytes(of: characters(second, pairs).littleEndian, toByteOffset: o &+ 8, as: UInt64.self)
            i &+= 12
            o &+= 16
        }
        while i <= count &- 8 {
            let bits = UInt64(bigEndian: source.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            target.storeBytes(of: characters(bits, pairs).littleEndian, toByteOffset: o, as: UInt64.self)
            i &+= 6
            o &+= 8
        }
        while i <= count &- 3 {
            let word = UInt32(input[i]) << 16 | UInt32(input[i &+ 1]) << 8 | UInt32(input[i &+ 2])
            target.storeBytes(of: pairs[Int(word >> 12)].littleEndian, toByteOffset: o, as: UInt16.self)
            target.storeBytes(of: pairs[Int(word & 0xFFF)].littleEndian, toByteOffset: o &+ 2, as: UInt16.self)
            i &+= 3
            o &+= 4
        }
        let rest = count &- i
        guard rest > 0 else { return }
        // 1 byte → 2 characters, 2 bytes → 3; the unused low bits are zero (canonical).
        let word = UInt32(input[i]) << 16 | (rest == 2 ? UInt32(input[i &+ 1]) << 8 : 0)
        let alphabet = Base64URLTables.shared.alphabet
        output[o] = alphabet[Int(word >> 18 & 63)]
        output[o &+ 1] = alphabet[Int(word >> 12 & 63)]
        if rest == 2 { output[o &+ 2] = alphabet[Int(word >> 6 & 63)] }
    }

    /// The 8 characters for the top 48 bits of `bits`, first character in the low byte.
    @inline(__always)
    private static func characters(_ bits: UInt64, _ pairs: UnsafePointer<UInt16>) -> UInt64 {
        UInt64(pairs[Int(bits >> 52)]) | UInt64(pairs[Int(bits >> 40 & 0xFFF)]) << 16
            | UInt64(pairs[Int(bits >> 28 & 0xFFF)]) << 32 | UInt64(pairs[Int(bits >> 16 & 0xFFF)]) << 48
    }

    // MARK: Decoding

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
    ///
    /// Errors, in order of precedence: `invalidLength`, then `invalidCharacter` at the first bad
    /// offset, then `nonZeroTrailingBits`. On error `output` holds unspecified bytes.
    public static func decode(
        _ encoded: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws(Base64URLError) {
        try decode(encoded, into: output, vectorKernels: vectorKernelsAvailable)
    }

    /// `decode(_:into:)` with the vector kernels on or off (tests compare the two).
    static func decode(
        _ encoded: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, vectorKernels: Bool
    ) throws(Base64URLError) {
        guard let count = decodedCount(encoded.count), output.count == count else { throw .invalidLength }
        guard let source = encoded.baseAddress, let target = output.baseAddress else { return }
        let pairs = Base64URLTables.shared.decodePairs
        let invalid = Base64URLTables.invalidPair
        let whole = encoded.count & ~3
        var i = 0
        var o = 0
        if vectorKernels {
            // Whole groups only: the final 2 or 3 characters have their own rules below.
            var invalidSeen = false
            i = ag_base64url_decode_blocks(
                source.assumingMemoryBound(to: UInt8.self), whole, target.assumingMemoryBound(to: UInt8.self), count,
                &invalidSeen)
            o = i / 4 * 3
            guard !invalidSeen else { throw .invalidCharacter(offset: firstInvalid(in: encoded, from: 0)) }
        }
        // 16 characters → 12 bytes per step: eight 2-character lookups, loaded straight from the input,
        // and two 8-byte stores, the first two bytes of the second store's slack overwritten by the next
        // step (so 2 bytes of slack are needed). Bad characters are only collected here (`flags`) and
        // located once after the loop, which keeps the loop free of branches.
        var flags: UInt16 = 0
        while i <= whole &- 16, o <= count &- 14 {
            let a = pairs[Int(UInt16(littleEndian: source.loadUnaligned(fromByteOffset: i, as: UInt16.self)))]
            let b = pairs[Int(UInt16(littleEndian: source.loadUnaligned(fromByteOffset: i &+ 2, as: UInt16.self)))]
            let c = pairs[Int(UInt16(littleEndian: source.loadUnaligned(fromByteOffset: i &+ 4, as: UInt16.self)))]
            let d = pairs[Int(UInt16(littleEndian: source.loadUnaligned(fromByteOffset: i &+ 6, as: UInt16.self)))]
            let e = pairs[Int(UInt16(littleEndian: source.loadUnaligned(fromByteOffset: i &+ 8, as: UInt16.self)))]
            let f = pairs[Int(UInt16(littleEndian: source.loadUnaligned(fromByteOffset: i &+ 10, as: UInt16.self)))]
            let g = pairs[Int(UInt16(littleEndian: source.loadUnaligned(fromByteOffset: i &+ 12, as: UInt16.self)))]
            let h = pairs[Int(UInt16(littleEndian: source.loadUnaligned(fromByteOffset: i &+ 14, as: UInt16.self)))]
            flags |= (a | b | c | d) | (e | f | g | h)
            let first = UInt64(a) << 52 | UInt64(b) << 40 | UInt64(c) << 28 | UInt64(d) << 16
            let second = UInt64(e) << 52 | UInt64(f) << 40 | UInt64(g) << 28 | UInt64(h) << 16
            target.storeBytes(of: first.bigEndian, toByteOffset: o, as: UInt64.self)
            target.storeBytes(of: second.bigEndian, toByteOffset: o &+ 6, as: UInt64.self)
            i &+= 16
            o &+= 12
        }
        guard flags & invalid == 0 else { throw .invalidCharacter(offset: firstInvalid(in: encoded, from: 0)) }
        // 4 characters → 3 bytes for the last whole groups.
        while i < whole {
            let high = pairs[Int(UInt16(littleEndian: source.loadUnaligned(fromByteOffset: i, as: UInt16.self)))]
            let low = pairs[Int(UInt16(littleEndian: source.loadUnaligned(fromByteOffset: i &+ 2, as: UInt16.self)))]
            guard (high | low) & invalid == 0 else {
                throw .invalidCharacter(offset: firstInvalid(in: encoded, from: i))
            }
            let word = UInt32(high) << 12 | UInt32(low)
            target.storeBytes(of: UInt8(truncatingIfNeeded: word >> 16), toByteOffset: o, as: UInt8.self)
            target.storeBytes(of: UInt8(truncatingIfNeeded: word >> 8), toByteOffset: o &+ 1, as: UInt8.self)
            target.storeBytes(of: UInt8(truncatingIfNeeded: word), toByteOffset: o &+ 2, as: UInt8.self)
            i &+= 4
            o &+= 3
        }
        let rest = encoded.count &- whole
        guard rest > 0 else { return }
        // 2 characters carry 12 bits for 8 data bits; 3 carry 18 for 16. The spare bits must be zero.
        let pair = pairs[Int(UInt16(littleEndian: source.loadUnaligned(fromByteOffset: i, as: UInt16.self)))]
        let third = rest == 3 ? Base64URLTables.shared.decode[Int(encoded[i &+ 2])] : 0
        guard pair & invalid == 0, third != Base64URLTables.invalidCharacter else {
            throw .invalidCharacter(offset: firstInvalid(in: encoded, from: i))
        }
        let bits = rest == 2 ? UInt32(pair) << 6 : UInt32(pair) << 6 | UInt32(third)  // 18 bits
        target.storeBytes(of: UInt8(truncatingIfNeeded: bits >> 10), toByteOffset: o, as: UInt8.self)
        if rest == 3 {
            target.storeBytes(of: UInt8(truncatingIfNeeded: bits >> 2), toByteOffset: o &+ 1, as: UInt8.self)
        }
        let spare: UInt32 = rest == 2 ? 0x3FF : 0x3
        guard bits & spare == 0 else { throw .nonZeroTrailingBits }
    }

    /// The offset of the first byte at or after `start` outside the alphabet (the caller knows there is one).
    private static func firstInvalid(in encoded: UnsafeRawBufferPointer, from start: Int) -> Int {
        let table = Base64URLTables.shared.decode
        var offset = start
        while offset < encoded.count, table[Int(encoded[offset])] != Base64URLTables.invalidCharacter { offset += 1 }
        return offset
    }
}
