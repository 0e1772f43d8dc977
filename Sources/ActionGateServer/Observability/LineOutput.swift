/// Keeps an output made of whole lines whole when a write fails part-way.
///
/// A batch of lines that fails after part of it was written (a full disk, a stalled non-blocking
/// reader) leaves the output inside a line; the next batch would be glued onto that fragment and
/// both lines would be unreadable. So the next batch starts with a line feed, which ends the
/// fragment as a line of its own, and only the lines written whole count as written.
struct LineOutput {
    /// The output ends inside a line.
    private(set) var isMidLine = false

    /// Writes `batch` (holding `lines` lines, each ending in a line feed) with `write`, which
    /// returns how many bytes it wrote. Returns the lines not written whole (0 on success).
    mutating func write(_ batch: [UInt8], lines: Int, using write: ([UInt8]) -> Int) -> Int {
        guard !batch.isEmpty else { return 0 }
        if isMidLine {
            guard write(Self.lineFeed) == 1 else { return lines }
            isMidLine = false
        }
        let written = write(batch)
        guard written < batch.count else { return 0 }
        isMidLine = written > 0 && batch[written - 1] != Self.lineFeed[0]
        let whole = batch[..<max(written, 0)].count { $0 == Self.lineFeed[0] }
        return max(lines - whole, 0)
    }

    /// A new output (a reopened file) starts at the beginning of a line.
    mutating func restart() {
        isMidLine = false
    }

    private static let lineFeed: [UInt8] = [0x0A]
}
