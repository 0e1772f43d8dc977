import ActionGateCore
import Prometheus

/// One thread's metric handles, by the raw values a request record carries.
///
/// Looking a series up in the `PrometheusCollectorRegistry` takes its lock and builds label
/// arrays; the cache makes that a one-time cost per thread and series, so the hot path is a
/// dictionary lookup and an atomic add. Entries are capped: past `capacity` a lookup goes to the
/// registry every time (correct, just slower), so the cache cannot grow without bound either.
///
/// `@unchecked Sendable`: each instance lives in one thread's `ThreadSpecificVariable` slot and is
/// only ever read or written by that thread (the slot is per thread by construction).
final class MetricHandleCache: @unchecked Sendable {
    /// A counter series, by the record's raw values (labels are derived on a miss).
    enum CounterKey: Hashable {
        case request(route: String, action: String, status: Int)
        case token(keyID: String, purpose: TokenPurposeLabel)
        case upstreamError(upstream: String, kind: String)
        case shadowDenial(action: String, reason: RejectionReason)
    }

    static let capacity = 4096

    private var counters: [CounterKey: Counter] = [:]
    private var latencies: [String: DurationHistogram] = [:]

    func counter(_ key: CounterKey, resolve: (CounterKey) -> Counter) -> Counter {
        if let counter = counters[key] { return counter }
        let counter = resolve(key)
        if counters.count < Self.capacity { counters[key] = counter }
        return counter
    }

    func latencyHistogram(_ upstream: String, resolve: (String) -> DurationHistogram) -> DurationHistogram {
        if let histogram = latencies[upstream] { return histogram }
        let histogram = resolve(upstream)
        if latencies.count < Self.capacity { latencies[upstream] = histogram }
        return histogram
    }
}
