import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Measures ns/op of a closure: warm-up, calibration to ~`runSeconds` per run, median of several runs.
///
/// Time is this thread's CPU time, like `openssl speed`'s default divisor (user CPU time), so other
/// processes on a shared machine distort the comparison less than wall-clock time would.
struct BenchmarkTimer {
    var runs = 7
    var runSeconds = 0.1
    var warmUpSeconds = 0.2

    /// Keeps results observable so the optimiser cannot drop the measured work. Each measurement
    /// sums into a local and adds it here once per batch, so threads measuring at the same time
    /// (`actiongate-bench gate --threads`) share no cache line while they measure.
    static let sink = Atomic<UInt64>(0)

    static func cpuNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }

    /// Median ns per call of `body` (which is called `iterations` times per timed batch).
    func nanosecondsPerOperation(_ body: () throws -> UInt64) rethrows -> Double {
        var iterations = 1
        let warmUpEnd = Self.cpuNanoseconds() + UInt64(warmUpSeconds * 1e9)
        // Calibrate while warming up: double the batch until one batch takes ≥ 1/10 of a run.
        while true {
            let start = Self.cpuNanoseconds()
            var local: UInt64 = 0
            for _ in 0..<iterations { local &+= try body() }
            let elapsed = Self.cpuNanoseconds() - start
            Self.sink.wrappingAdd(local, ordering: .relaxed)
            if Double(elapsed) >= runSeconds * 1e8, Self.cpuNanoseconds() >= warmUpEnd {
                iterations = max(1, Int(Double(iterations) * runSeconds * 1e9 / Double(max(elapsed, 1))))
                break
            }
            if Double(elapsed) < runSeconds * 1e8 { iterations *= 2 }
        }
        var samples: [Double] = []
        for _ in 0..<runs {
            let start = Self.cpuNanoseconds()
            var local: UInt64 = 0
            for _ in 0..<iterations { local &+= try body() }
            samples.append(Double(Self.cpuNanoseconds() - start) / Double(iterations))
            Self.sink.wrappingAdd(local, ordering: .relaxed)
        }
        samples.sort()
        return samples[samples.count / 2]
    }
}
