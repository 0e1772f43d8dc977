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
    /// How many of the most recently used counters are checked before the dictionary.
    static let recentCount = 4

    private var counters: [CounterKey: Counter] = [:]
    /// The thread's latency shards by upstream name as recorded, and by the label it was admitted as.
    private var latencies: [String: LatencyShard] = [:]
    private var latencyShardsByLabel: [String: LatencyShard] = [:]
    /// The last few counters used, tried in order before hashing: a request's route, action and key
    /// ids are usually the same strings as the previous request's, and comparing strings that share
    /// storage (or are small) is a few instructions where hashing reads every byte.
    private var recent: [(key: CounterKey, counter: Counter)] = []
    private var nextRecent = 0

    func counter(_ key: CounterKey, resolve: (CounterKey) -> Counter) -> Counter {
        for index in recent.indices where recent[index].key == key { return recent[index].counter }
        let counter: Counter
        if let cached = counters[key] {
            counter = cached
        } else {
            counter = resolve(key)
            if counters.count < Self.capacity { counters[key] = counter }
        }
        remember(key, counter)
        return counter
    }

    private func remember(_ key: CounterKey, _ counter: Counter) {
        if recent.count < Self.recentCount {
            recent.append((key, counter))
        } else {
            recent[nextRecent] = (key, counter)
            nextRecent = (nextRecent &+ 1) % Self.recentCount
        }
    }

    /// The thread's shard of the latency series for `upstream`: `label` admits the name (a miss
    /// only), `makeShard` registers a shard for a label this thread has not recorded yet, so a
    /// thread holds one shard per label however many names map to it.
    func latencyShard(
        _ upstream: String, label: (String) -> String, makeShard: (String) -> LatencyShard
    ) -> LatencyShard {
        if let shard = latencies[upstream] { return shard }
        let admitted = label(upstream)
        let shard: LatencyShard
        if let existing = latencyShardsByLabel[admitted] {
            shard = existing
        } else {
            shard = makeShard(admitted)
            latencyShardsByLabel[admitted] = shard
        }
        if latencies.count < Self.capacity { latencies[upstream] = shard }
        return shard
    }
}
