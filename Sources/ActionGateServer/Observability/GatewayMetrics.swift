import ActionGateCore
import NIOPosix
import Prometheus
import Synchronization

/// The gateway's Prometheus metrics: an `AuditSink` that counts every request, plus gauges read
/// when `/metrics` is scraped (docs/operations.md lists every family).
///
/// Everything but the upstream latency histogram (`upstreamLatency`, sharded per thread and
/// rendered after the registry) lives in `registry`, which the caller owns: `serve` creates one per process and also
/// hands it to `MetricsSystem.bootstrap(PrometheusMetricsFactory(registry:))`, while tests create
/// their own and never touch the global `MetricsSystem`. On the hot path a record costs a per-thread
/// lookup and relaxed atomic adds (the upstream latency histogram's into memory only that thread
/// writes); the request path takes no lock. Label values are bounded (`KnownLabels`, `MetricLabels`).
public final class GatewayMetrics: AuditSink {
    /// The registry `/metrics` renders.
    public let registry: PrometheusCollectorRegistry

    /// Upper bounds of the upstream latency histogram.
    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30),
    ]

    private let rejections: [RejectionReason: Counter]
    private let sessionIssued: Counter
    private let sessionCleared: Counter
    private let sessionRefused: Counter
    private let handles = ThreadSpecificVariable<MetricHandleCache>()
    let labels = Mutex(KnownLabels())
    let scrape = Mutex(ScrapeState())
    let gauges: ProcessGauges
    /// Upstream response latency; sharded per thread (no lock shared by the event loops), rendered
    /// after the registry's families.
    let upstreamLatency = ShardedHistogram(
        descriptor: MetricName.upstreamDuration.descriptor, labelName: "upstream", bounds: latencyBuckets)

    /// Creates the metrics and registers every family that has a fixed label set, so a dashboard
    /// sees `0` rather than nothing before the first event.
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var rejections: [RejectionReason: Counter] = [:]
        for reason in RejectionReason.allCases {
            rejections[reason] = registry.makeCounter(
                descriptor: MetricName.rejections.descriptor, labels: [("reason", reason.rawValue)])
        }
        self.rejections = rejections
        let events = MetricName.sessionEvents.descriptor
        sessionIssued = registry.makeCounter(descriptor: events, labels: [("event", "issued")])
        sessionCleared = registry.makeCounter(descriptor: events, labels: [("event", "cleared")])
        sessionRefused = registry.makeCounter(descriptor: events, labels: [("event", "refused")])
        gauges = ProcessGauges(registry: registry)
    }

    /// Counts one finished request. Runs on the EventLoop that served it.
    public func record(_ event: RequestRecord) {
        let cache = handles.currentValue ?? makeCache()
        let audit = event.audit
        let rejection = event.rejection
        let action = audit?.action ?? rejection?.action ?? MetricLabels.none
        let route = audit?.route ?? MetricLabels.none
        cache.counter(.request(route: route, action: action, status: event.status), resolve: resolve).increment()
        if let rejection {
            rejections[rejection.reason]?.increment()
            if let key = rejection.sessionKeyID {
                cache.counter(.token(keyID: key, purpose: .session), resolve: resolve).increment()
            }
        }
        if let upstream = event.upstream {
            if let latency = event.upstreamLatency {
                cache.latencyShard(upstream, label: admitUpstream, makeShard: upstreamLatency.makeShard)
                    .record(nanoseconds: latency.nanosecondsClamped)
            }
            if let kind = MetricLabels.upstreamErrorKind(event) {
                cache.counter(.upstreamError(upstream: upstream, kind: kind), resolve: resolve).increment()
            }
        }
        if let audit {
            if let key = audit.sessionKeyID {
                cache.counter(.token(keyID: key, purpose: .session), resolve: resolve).increment()
            }
            if let key = audit.boundArgumentsKeyID {
                cache.counter(.token(keyID: key, purpose: .boundArguments), resolve: resolve).increment()
            }
            if let reason = audit.shadowDenial {
                cache.counter(.shadowDenial(action: action, reason: reason), resolve: resolve).increment()
            }
        }
        switch event.sessionEvent {
        case .issued?: sessionIssued.increment()
        case .cleared?: sessionCleared.increment()
        case .refused?: sessionRefused.increment()
        case nil: break
        }
    }

    private func makeCache() -> MetricHandleCache {
        let cache = MetricHandleCache()
        handles.currentValue = cache
        return cache
    }

    /// A cache miss: bounds the label values, then finds or registers the series.
    private func resolve(_ key: MetricHandleCache.CounterKey) -> Counter {
        switch key {
        case .request(let route, let action, let status):
            let (routeLabel, actionLabel) = labels.withLock { known in
                (
                    route == MetricLabels.none ? route : known.admit(route, as: .route),
                    action == MetricLabels.none ? action : known.admit(action, as: .action)
                )
            }
            return registry.makeCounter(
                descriptor: MetricName.requests.descriptor,
                labels: [("route", routeLabel), ("action", actionLabel), ("status", MetricLabels.status(status))])
        case .token(let keyID, let purpose):
            return tokenCounter(keyID: labels.withLock { $0.admit(keyID, as: .keyID) }, purpose: purpose)
        case .upstreamError(let upstream, let kind):
            let upstreamLabel = labels.withLock { $0.admit(upstream, as: .upstream) }
            return registry.makeCounter(
                descriptor: MetricName.upstreamErrors.descriptor, labels: [("upstream", upstreamLabel), ("kind", kind)])
        case .shadowDenial(let action, let reason):
            let actionLabel = action == MetricLabels.none ? action : labels.withLock { $0.admit(action, as: .action) }
            return registry.makeCounter(
                descriptor: MetricName.shadowDenials.descriptor,
                labels: [("action", actionLabel), ("reason", reason.rawValue)])
        }
    }

    private func admitUpstream(_ upstream: String) -> String {
        labels.withLock { $0.admit(upstream, as: .upstream) }
    }

    func tokenCounter(keyID: String, purpose: TokenPurposeLabel) -> Counter {
        registry.makeCounter(
            descriptor: MetricName.tokensOpened.descriptor, labels: [("key_id", keyID), ("purpose", purpose.rawValue)])
    }
}
