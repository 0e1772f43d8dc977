/// Word-at-a-time scans for the bytes JSON strings must treat specially, so long plain runs cost one
/// 8-byte load per 8 bytes instead of a branchy loop per byte.
enum ByteScanning {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// Nonzero when some byte of `word` is zero (exact as a yes/no answer).
    @inline(__always)
    private static func hasZeroByte(_ word: UInt64) -> Bool {
        (word &- ones) & ~word & highBits != 0
    }

    /// Nonzero when some byte of `word` is below `limit` (limit ≤ 128; exact as a yes/no answer).
    @inline(__always)
    private static func hasByteBelow(_ word: UInt64, _ limit: UInt8) -> Bool {
        (word &- ones &* UInt64(limit)) & ~word & highBits != 0
    }

    /// True when the 8 bytes hold no `"`, no `\`, no control character (and, if `asciiOnly`, no byte ≥ 0x80).
    @inline(__always)
    static func isPlain(_ word: UInt64, asciiOnly: Bool) -> Bool {
        if asciiOnly && word & highBits != 0 { return false }
        return !hasByteBelow(word, 0x20) && !hasZeroByte(word ^ (ones &* 0x22)) && !hasZeroByte(word ^ (ones &* 0x5C))
    }

    /// The offset of the first byte from `start` that is `"`, `\`, a control character or (if `asciiOnly`)
    /// non-ASCII; `bytes.count` if there is none.
    @inline(__always)
    static func firstSpecial(in bytes: UnsafeRawBufferPointer, from start: Int, asciiOnly: Bool) -> Int {
        var offset = start
        // 16 bytes per step with vector compares (SSE2/NEON lanes), then 8 with SWAR, then bytewise.
        let quote = SIMD16<UInt8>(repeating: 0x22)
        let backslash = SIMD16<UInt8>(repeating: 0x5C)
        let space = SIMD16<UInt8>(repeating: 0x20)
        let high = SIMD16<UInt8>(repeating: 0x80)
        while offset + 16 <= bytes.count {
            let chunk = bytes.loadUnaligned(fromByteOffset: offset, as: SIMD16<UInt8>.self)
            var special = (chunk .< space) .| (chunk .== quote) .| (chunk .== backslash)
            if asciiOnly { special = special .| (chunk .>= high) }
            // `any(_:)` lowers to a horizontal reduction; testing the mask's bits as two words is cheaper.
            let words = unsafeBitCast(special, to: SIMD2<UInt64>.self)
            if words[0] | words[1] != 0 { break }
            offset += 16
        }
        while offset + 8 <= bytes.count,
            isPlain(bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self), asciiOnly: asciiOnly)
        {
            offset += 8
        }
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte < 0x20 || byte == 0x22 || byte == 0x5C || (asciiOnly && byte >= 0x80) { return offset }
            offset += 1
        }
        return offset
    }
}
