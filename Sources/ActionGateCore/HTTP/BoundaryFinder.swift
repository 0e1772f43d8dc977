/// Finds `--<boundary>` in a multipart body in linear time, whatever the body and boundary.
///
/// The client picks both the boundary and the body, so a naive search (O(n·m)) is an attack
/// surface; Knuth–Morris–Pratt never re-reads a byte. While no prefix of the pattern is matched
/// it skips eight bytes at a time to the next `-` (every pattern starts with `--`).
struct BoundaryFinder {
    private let pattern: [UInt8]
    /// `failure[i]`: length of the longest proper border of `pattern[0...i]`.
    private let failure: [Int]

    /// The length of `--<boundary>` in bytes.
    var count: Int { pattern.count }

    /// A finder for `pattern`, which must be non-empty and start with `-`.
    init(pattern: [UInt8]) {
        self.pattern = pattern
        var failure = [Int](repeating: 0, count: pattern.count)
        var border = 0
        var index = 1
        while index < pattern.count {
            while border > 0 && pattern[index] != pattern[border] { border = failure[border &- 1] }
            if pattern[index] == pattern[border] { border &+= 1 }
            failure[index] = border
            index &+= 1
        }
        self.failure = failure
    }

    /// The index of the first occurrence of the pattern at or after `start`, or nil.
    func firstIndex(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard !pattern.isEmpty else { return nil }
        var matched = 0
        var index = start
        while index < bytes.count {
            if matched == 0 {
                index = Self.nextHyphen(in: bytes, from: index)
                guard index < bytes.count else { return nil }
            }
            let byte = bytes[index]
            while matched > 0 && byte != pattern[matched] { matched = failure[matched &- 1] }
            if byte == pattern[matched] { matched &+= 1 }
            if matched == pattern.count { return index &- pattern.count &+ 1 }
            index &+= 1
        }
        return nil
    }

    /// The index of the next `-` at or after `start`, or `bytes.count`; eight bytes per step.
    private static func nextHyphen(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard let base = bytes.baseAddress else { return bytes.count }
        let raw = UnsafeRawPointer(base)
        var index = start
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let hyphens: UInt64 = 0x2D2D_2D2D_2D2D_2D2D
        while index &+ 8 <= bytes.count {
            let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) ^ hyphens
            // A zero byte in `word` is a `-` in the input (the classic "has zero byte" test).
            if (word &- ones) & ~word & highs != 0 { break }
            index &+= 8
        }
        while index < bytes.count && bytes[index] != ASCII.hyphen { index &+= 1 }
        return index
    }
}
