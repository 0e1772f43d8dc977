/// Vector scans for the bytes JSON strings must treat specially, so long plain runs cost a few vector
/// instructions per 16 bytes instead of a branchy loop per byte.
///
/// Written for what baseline x86-64 (SSE2) and arm64 (NEON) both have: byte compares, ORs and one
/// test per 64 bytes. `SIMD` masks are combined with their builtin operators only; the generic
/// `replacing`/`any` paths compile to per-lane loops.
enum ByteScanning {
    private typealias Bytes = SIMD16<UInt8>
    private typealias Mask = SIMDMask<SIMD16<Int8>>

    /// Lanes that are `"`, `\` or a control character; with `asciiOnly`, also bytes ≥ 0x80.
    @inline(__always)
    private static func special(_ chunk: Bytes, asciiOnly: Bool) -> Mask {
        let quoteOrBackslash = (chunk .== Bytes(repeating: 0x22)) .| (chunk .== Bytes(repeating: 0x5C))
        if asciiOnly {
            // As signed bytes, both control characters (0x00–0x1F) and non-ASCII (0x80–0xFF) are < 0x20.
            let signed = unsafeBitCast(chunk, to: SIMD16<Int8>.self)
            return quoteOrBackslash .| (signed .< SIMD16<Int8>(repeating: 0x20))
        }
        return quoteOrBackslash .| ((chunk & Bytes(repeating: 0xE0)) .== Bytes(repeating: 0))
    }

    /// Whether any lane of `mask` is set: the two halves ORed, one test (a lane is 0x00 or 0xFF).
    @inline(__always)
    private static func isAnySet(_ mask: Mask) -> Bool {
        let words = unsafeBitCast(mask._storage, to: SIMD2<UInt64>.self)
        return words[0] | words[1] != 0
    }

    /// The index of the first set lane of `mask`, or nil when none is set.
    @inline(__always)
    private static func firstSetLane(_ mask: Mask) -> Int? {
        let words = unsafeBitCast(mask._storage, to: SIMD2<UInt64>.self)
        let low = UInt64(littleEndian: words[0])
        if low != 0 { return low.trailingZeroBitCount &>> 3 }
        let high = UInt64(littleEndian: words[1])
        if high != 0 { return 8 &+ high.trailingZeroBitCount &>> 3 }
        return nil
    }

    /// The offset of the first byte from `start` that is `"`, `\`, a control character or (if `asciiOnly`)
    /// non-ASCII; `bytes.count` if there is none.
    @inline(__always)
    static func firstSpecial(in bytes: UnsafeRawBufferPointer, from start: Int, asciiOnly: Bool) -> Int {
        guard let base = bytes.baseAddress else { return start }
        let count = bytes.count
        var offset = start
        // 64 bytes per step with one test while nothing is found; then 16 at a time, where the mask
        // gives the exact lane.
        while offset <= count &- 64 {
            let a = special(base.loadUnaligned(fromByteOffset: offset, as: Bytes.self), asciiOnly: asciiOnly)
            let b = special(base.loadUnaligned(fromByteOffset: offset &+ 16, as: Bytes.self), asciiOnly: asciiOnly)
            let c = special(base.loadUnaligned(fromByteOffset: offset &+ 32, as: Bytes.self), asciiOnly: asciiOnly)
            let d = special(base.loadUnaligned(fromByteOffset: offset &+ 48, as: Bytes.self), asciiOnly: asciiOnly)
            if isAnySet((a .| b) .| (c .| d)) { break }
            offset &+= 64
        }
        while offset <= count &- 16 {
            let chunk = special(base.loadUnaligned(fromByteOffset: offset, as: Bytes.self), asciiOnly: asciiOnly)
            if let lane = firstSetLane(chunk) { return offset &+ lane }
            offset &+= 16
        }
        while offset < count {
            let byte = base.load(fromByteOffset: offset, as: UInt8.self)
            if byte < 0x20 || byte == 0x22 || byte == 0x5C || (asciiOnly && byte >= 0x80) { return offset }
            offset &+= 1
        }
        return offset
    }
}
