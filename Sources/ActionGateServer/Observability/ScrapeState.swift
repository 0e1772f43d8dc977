import ActionGateCrypto
import Prometheus

/// What `GatewayMetrics` reads when `/metrics` is scraped, and what it reported last time (to turn
/// absolute counts from elsewhere into counter increments).
struct ScrapeState: Sendable {
    /// The gauges of one keyring key.
    struct KeyGauges: Sendable {
        var states: [KeyState: Gauge]
        var sealWarning: Gauge
    }

    /// The data plane's connection gauges, once the server runs.
    var counters: GatewayCounters?
    /// The audit log, for its drop count.
    var auditLog: AuditLog?
    var auditDroppedReported = 0
    var auditReopenFailuresReported = 0
    /// The keyring in force.
    var keyring: Keyring?
    /// The seal counts already added to `actiongate_key_seals_total`, by key id.
    var reportedSeals: [UInt32: UInt64] = [:]
    var keyGauges: [UInt32: KeyGauges] = [:]
    var configGeneration = 0
    var keyringGeneration = 0
}
