import Prometheus
import Synchronization

/// A Prometheus histogram family whose series are recorded per thread: each thread records into
/// its own `LatencyShard` and `/metrics` adds the shards up.
///
/// swift-prometheus' `Histogram` takes one lock per observation, and every event loop records into
/// the same series (one per upstream), so the loops would share a lock on every request. Here a
/// thread takes the family's lock only the first time it records a series; the scrape takes it to
/// read the list. The family renders itself in the text format swift-prometheus uses for its own
/// histograms (bounds written by `Duration.bucketRepresentation`), after the registry's families.
final class ShardedHistogram: Sendable {
    /// The full metric name (`actiongate_upstream_response_seconds`).
    let name: String
    let help: String
    /// The one label every series has (`upstream`).
    let labelName: String
    let bounds: [Duration]
    private let boundNanoseconds: [Int64]
    /// The shards of every series, by label value.
    private let series = Mutex<[String: [LatencyShard]]>([:])

    init(descriptor: MetricNameDescriptor, labelName: String, bounds: [Duration]) {
        precondition(zip(bounds, bounds.dropFirst()).allSatisfy { $0 < $1 }, "histogram bounds must ascend")
        name = descriptor.name
        help = descriptor.helpText ?? ""
        self.labelName = labelName
        self.bounds = bounds
        boundNanoseconds = bounds.map(\.nanosecondsClamped)
    }

    /// A new shard of the series `value`, for the calling thread to keep and record into.
    func makeShard(_ value: String) -> LatencyShard {
        let shard = LatencyShard(bounds: boundNanoseconds)
        series.withLock { $0[value, default: []].append(shard) }
        return shard
    }

    /// Appends the family: `# HELP`, `# TYPE`, then per series (by label value) the cumulative
    /// buckets, `+Inf`, `_sum` and `_count`. Nothing when no series was recorded yet.
    func emit(into buffer: inout [UInt8]) {
        let snapshot = series.withLock { $0 }
        guard !snapshot.isEmpty else { return }
        if !help.isEmpty {
            append("# HELP \(name) ", to: &buffer)
            for byte in help.utf8 {
                if byte == UInt8(ascii: "\\") { append("\\\\", to: &buffer) } else { buffer.append(byte) }
            }
            buffer.append(UInt8(ascii: "\n"))
        }
        append("# TYPE \(name) histogram\n", to: &buffer)
        for (value, shards) in snapshot.sorted(by: { $0.key < $1.key }) {
            var counts = [Int](repeating: 0, count: bounds.count + 1)
            var sum = 0
            for shard in shards { sum &+= shard.add(into: &counts) }
            let label = labelName + "=\"" + Self.escaped(value) + "\""
            var cumulative = 0
            for (index, bound) in bounds.enumerated() {
                cumulative &+= counts[index]
                append("\(name)_bucket{\(label),le=\"\(bound.bucketRepresentation)\"} \(cumulative)\n", to: &buffer)
            }
            cumulative &+= counts[bounds.count]
            append("\(name)_bucket{\(label),le=\"+Inf\"} \(cumulative)\n", to: &buffer)
            append("\(name)_sum{\(label)} \(Duration.nanoseconds(sum).bucketRepresentation)\n", to: &buffer)
            append("\(name)_count{\(label)} \(cumulative)\n", to: &buffer)
        }
    }

    private func append(_ text: String, to buffer: inout [UInt8]) {
        buffer.append(contentsOf: text.utf8)
    }

    /// A label value in the text format: backslash, double quote and line feed escaped.
    static func escaped(_ value: String) -> String {
        var out = ""
        for character in value.unicodeScalars {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }
}
