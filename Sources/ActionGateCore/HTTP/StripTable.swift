/// Strip rules compiled for the hot path: every exact or prefix pattern lowercased into one flat
/// byte buffer and bucketed by first byte, so a header name is compared only with the few patterns
/// that share its first letter, without allocation or reference counting per comparison.
struct StripTable: Sendable {
    private struct Entry: Sendable {
        var start: Int
        var count: Int
        var isPrefix: Bool
        var untrustedOnly: Bool
    }

    private let bytes: [UInt8]
    /// Sorted by first byte.
    private let entries: [Entry]
    /// For each first byte (lowercase), the range of `entries` starting with it.
    private let buckets: [Range<Int>]
    private let underscore: (applies: Bool, untrustedOnly: Bool)

    init(_ rules: [HeaderStripRule]) {
        var patterns: [([UInt8], Bool, Bool)] = []
        var underscore = (applies: false, untrustedOnly: true)
        for rule in rules {
            let untrustedOnly = rule.scope == .untrustedPeers
            switch rule.pattern {
            case .exact(let name): patterns.append((name.utf8.map(UInt8.asciiLowercased), false, untrustedOnly))
            case .prefix(let prefix): patterns.append((prefix.utf8.map(UInt8.asciiLowercased), true, untrustedOnly))
            case .containsUnderscore: underscore = (true, underscore.untrustedOnly && untrustedOnly)
            case .listedInConnection: break
            }
        }
        patterns = patterns.filter { !$0.0.isEmpty }.sorted { $0.0[0] < $1.0[0] }
        var bytes: [UInt8] = []
        var entries: [Entry] = []
        var buckets = [Range<Int>](repeating: 0..<0, count: 256)
        for (pattern, isPrefix, untrustedOnly) in patterns {
            let first = Int(pattern[0])
            if buckets[first].isEmpty { buckets[first] = entries.count..<entries.count }
            entries.append(
                Entry(start: bytes.count, count: pattern.count, isPrefix: isPrefix, untrustedOnly: untrustedOnly))
            buckets[first] = buckets[first].lowerBound..<entries.count
            bytes += pattern
        }
        self.bytes = bytes
        self.entries = entries
        self.buckets = buckets
        self.underscore = underscore
    }

    /// True when some rule that applies to this peer covers `name`.
    func matches(_ name: UnsafeBufferPointer<UInt8>, trusted: Bool) -> Bool {
        guard let first = name.first else { return false }
        if underscore.applies && !(trusted && underscore.untrustedOnly) && name.contains(ASCII.underscore) {
            return true
        }
        let bucket = buckets[Int(UInt8.asciiLowercased(first))]
        guard !bucket.isEmpty else { return false }
        return bytes.withUnsafeBufferPointer { patterns in
            entries.withUnsafeBufferPointer { entries in
                for index in bucket {
                    let entry = entries[index]
                    if trusted && entry.untrustedOnly { continue }
                    guard entry.isPrefix ? name.count >= entry.count : name.count == entry.count else { continue }
                    var equal = true
                    for offset in 0..<entry.count
                    where UInt8.asciiLowercased(name[offset]) != patterns[entry.start &+ offset] {
                        equal = false
                        break
                    }
                    if equal { return true }
                }
                return false
            }
        }
    }
}
