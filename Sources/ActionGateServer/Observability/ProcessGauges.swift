import Prometheus

/// The metric families without per-request labels: connection gauges, reload results, the
/// configuration and keyring in force, audit drops.
struct ProcessGauges: Sendable {
    let openConnections: Gauge
    let bufferedBodyBytes: Gauge
    let reloadSuccesses: Counter
    let reloadFailures: Counter
    let lastReloadSuccess: Gauge
    let configGeneration: Gauge
    let configHash: Gauge
    let keyringGeneration: Gauge
    let keyringHash: Gauge
    let auditDropped: Counter
    let auditReopenFailures: Counter

    init(registry: PrometheusCollectorRegistry) {
        openConnections = registry.makeGauge(descriptor: MetricName.openConnections.descriptor)
        bufferedBodyBytes = registry.makeGauge(descriptor: MetricName.bufferedBodyBytes.descriptor)
        let reloads = MetricName.reloads.descriptor
        reloadSuccesses = registry.makeCounter(descriptor: reloads, labels: [("result", "success")])
        reloadFailures = registry.makeCounter(descriptor: reloads, labels: [("result", "failure")])
        lastReloadSuccess = registry.makeGauge(descriptor: MetricName.lastReloadSuccess.descriptor)
        lastReloadSuccess.set(to: 1)
        configGeneration = registry.makeGauge(descriptor: MetricName.configGeneration.descriptor)
        configHash = registry.makeGauge(descriptor: MetricName.configHash.descriptor)
        keyringGeneration = registry.makeGauge(descriptor: MetricName.keyringGeneration.descriptor)
        keyringHash = registry.makeGauge(descriptor: MetricName.keyringHash.descriptor)
        auditDropped = registry.makeCounter(descriptor: MetricName.auditDropped.descriptor)
        auditReopenFailures = registry.makeCounter(descriptor: MetricName.auditReopenFailures.descriptor)
    }
}
