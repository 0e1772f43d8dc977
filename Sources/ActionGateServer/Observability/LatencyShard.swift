import Synchronization

/// One thread's counts for one series of a `ShardedHistogram`: a count per bucket (not cumulative;
/// the last one counts what exceeded every bound), the sum in nanoseconds.
///
/// Recording is a relaxed atomic add on memory only the recording thread writes, so two event
/// loops never contend for a lock or a cache line on the request path; the scrape reads every
/// shard with relaxed loads and adds them up.
///
/// `@unchecked Sendable`: the counts are atomics behind a pointer the shard allocates, never
/// reallocates and frees only in `deinit`; `bounds` is immutable.
final class LatencyShard: @unchecked Sendable {
    /// Upper bounds in nanoseconds, ascending (shared with the family).
    let bounds: [Int64]
    private let counts: UnsafeMutablePointer<Atomic<Int>>
    private let sumNanoseconds = Atomic<Int>(0)

    init(bounds: [Int64]) {
        self.bounds = bounds
        counts = .allocate(capacity: bounds.count + 1)
        for index in 0...bounds.count {
            (counts + index).initialize(to: Atomic(0))
        }
    }

    deinit {
        counts.deinitialize(count: bounds.count + 1)
        counts.deallocate()
    }

    /// Counts one observation (negative durations count as zero).
    func record(nanoseconds: Int64) {
        let value = max(nanoseconds, 0)
        var index = 0
        while index < bounds.count && value > bounds[index] { index += 1 }
        counts[index].wrappingAdd(1, ordering: .relaxed)
        sumNanoseconds.wrappingAdd(Int(truncatingIfNeeded: value), ordering: .relaxed)
    }

    /// Adds this shard's bucket counts into `buckets` (`bounds.count + 1` of them) and returns its sum.
    func add(into buckets: inout [Int]) -> Int {
        for index in 0...bounds.count {
            buckets[index] &+= counts[index].load(ordering: .relaxed)
        }
        return sumNanoseconds.load(ordering: .relaxed)
    }
}
