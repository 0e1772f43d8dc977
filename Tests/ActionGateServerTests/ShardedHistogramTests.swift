import Dispatch
import Prometheus
import Testing

@testable import ActionGateServer

/// The per-thread latency histogram: the same text swift-prometheus writes for the same
/// observations, counts from many threads that add up, and bucket edges.
@Suite struct ShardedHistogramTests {
    static var descriptor: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "test", metricName: "latency", unitName: "seconds", helpText: #"Latency \ by upstream."#)
    }

    /// The family's lines in swift-prometheus' own rendering of a `DurationHistogram`.
    static func referenceText(_ observations: [(String, Duration)]) -> String {
        let registry = PrometheusCollectorRegistry()
        for (upstream, value) in observations {
            registry.makeDurationHistogram(
                descriptor: descriptor, labels: [("upstream", upstream)], buckets: GatewayMetrics.latencyBuckets
            ).record(value)
        }
        return String(decoding: registry.emitToBuffer(), as: UTF8.self)
    }

    static func shardedText(_ observations: [(String, Duration)]) -> String {
        let histogram = ShardedHistogram(
            descriptor: descriptor, labelName: "upstream", bounds: GatewayMetrics.latencyBuckets)
        var shards: [String: LatencyShard] = [:]
        for (upstream, value) in observations {
            let shard = shards[upstream] ?? histogram.makeShard(upstream)
            shards[upstream] = shard
            shard.record(nanoseconds: value.nanosecondsClamped)
        }
        var buffer: [UInt8] = []
        histogram.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    /// The text of a family with its series in label order (the registry keeps series in a
    /// dictionary, so its order varies from run to run).
    static func sortedSeries(_ text: String) -> [String] {
        let lines = text.split(separator: "\n").map(String.init)
        let comments = lines.filter { $0.hasPrefix("#") }
        let samples = lines.filter { !$0.hasPrefix("#") }
        var byLabel: [String: [String]] = [:]
        for line in samples {
            let label = line[line.firstIndex(of: "\"")!...].prefix { $0 != "," && $0 != "}" }
            byLabel[String(label), default: []].append(line)
        }
        return comments + byLabel.keys.sorted().flatMap { byLabel[$0]! }
    }

    @Test func writesWhatSwiftPrometheusWritesForTheSameObservations() {
        var generator = SystemRandomNumberGenerator()
        let bounds = GatewayMetrics.latencyBuckets
        // Every bound exactly, a nanosecond either side, zero, huge, and random values.
        var values: [Duration] = [.zero, .seconds(3600), .nanoseconds(1)]
        for bound in bounds { values += [bound, bound - .nanoseconds(1), bound + .nanoseconds(1)] }
        for _ in 0..<500 { values.append(.nanoseconds(Int64.random(in: 0...40_000_000_000, using: &generator))) }
        let upstreams = ["app", "api", #"we"ird\name"#]
        let observations = values.map { (upstreams.randomElement(using: &generator)!, $0) }
        let reference = Self.sortedSeries(Self.referenceText(observations))
        let sharded = Self.sortedSeries(Self.shardedText(observations))
        #expect(sharded == reference)
        #expect(sharded.contains { $0.hasPrefix(#"test_latency_seconds_bucket{upstream="we\"ird\\name",le="0.001"}"#) })
    }

    @Test func nothingIsWrittenBeforeTheFirstSeries() {
        #expect(Self.shardedText([]) == "")
    }

    @Test func eachBucketCountsValuesUpToAndIncludingItsBound() {
        let histogram = ShardedHistogram(
            descriptor: Self.descriptor, labelName: "upstream", bounds: [.milliseconds(1), .milliseconds(2)])
        let shard = histogram.makeShard("app")
        for nanoseconds: Int64 in [-5, 0, 1_000_000, 1_000_001, 2_000_000, 2_000_001] {
            shard.record(nanoseconds: nanoseconds)
        }
        var buffer: [UInt8] = []
        histogram.emit(into: &buffer)
        let text = MetricsText(String(decoding: buffer, as: UTF8.self))
        #expect(text.value("test_latency_seconds_bucket", ["le": "0.001"]) == 3)
        #expect(text.value("test_latency_seconds_bucket", ["le": "0.002"]) == 5)
        #expect(text.value("test_latency_seconds_bucket", ["le": "+Inf"]) == 6)
        #expect(text.value("test_latency_seconds_count") == 6)
        #expect(text.value("test_latency_seconds_sum") == 0.006000002)
    }

    @Test func shardsOfManyThreadsAddUpInOneSeries() {
        let metrics = GatewayMetrics(registry: PrometheusCollectorRegistry())
        let threads = 8
        let perThread = 2_000
        DispatchQueue.concurrentPerform(iterations: threads) { index in
            for step in 0..<perThread {
                var record = MetricsLabelTests.record(action: "a")
                record.upstreamLatency = .microseconds(500 + (step % 4) * 1_000 + index)
                metrics.record(record)
            }
        }
        let text = MetricsText(String(decoding: metrics.render(), as: UTF8.self))
        let total = Double(threads * perThread)
        #expect(text.value("actiongate_upstream_response_seconds_count", ["upstream": "app"]) == total)
        #expect(text.value("actiongate_upstream_response_seconds_bucket", ["upstream": "app", "le": "+Inf"]) == total)
        // steps 0 (≤ 1 ms), 1 (≤ 2 ms), 2 and 3 (≤ 5 ms): a quarter, a half, all.
        #expect(
            text.value("actiongate_upstream_response_seconds_bucket", ["upstream": "app", "le": "0.001"]) == total / 4)
        #expect(
            text.value("actiongate_upstream_response_seconds_bucket", ["upstream": "app", "le": "0.002"]) == total / 2)
        #expect(text.value("actiongate_upstream_response_seconds_bucket", ["upstream": "app", "le": "0.005"]) == total)
        #expect(text.samples.filter { $0.name == "actiongate_upstream_response_seconds_count" }.count == 1)
    }

    @Test func aThreadKeepsOneShardPerLabelWhateverTheNamesThatMapToIt() {
        let cache = MetricHandleCache()
        var made: [String] = []
        let histogram = ShardedHistogram(descriptor: Self.descriptor, labelName: "upstream", bounds: [.seconds(1)])
        let make: (String) -> LatencyShard = { label in
            made.append(label)
            return histogram.makeShard(label)
        }
        let admit: (String) -> String = { $0.hasPrefix("known") ? $0 : "unknown" }
        let first = cache.latencyShard("stray-1", label: admit, makeShard: make)
        let second = cache.latencyShard("stray-2", label: admit, makeShard: make)
        let known = cache.latencyShard("known", label: admit, makeShard: make)
        #expect(first === second)
        #expect(known !== first)
        #expect(cache.latencyShard("known", label: admit, makeShard: make) === known)
        #expect(made == ["unknown", "known"])
    }
}
