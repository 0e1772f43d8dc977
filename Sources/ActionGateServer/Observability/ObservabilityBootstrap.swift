import ActionGateCore
import Logging
import Metrics
import Prometheus

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The process-wide logging and metrics setup of `actiongate serve`.
///
/// swift-log's `LoggingSystem` and swift-metrics' `MetricsSystem` may be bootstrapped once per
/// process, so only the executable calls this; tests give `Gateway.start` their own
/// `GatewayMetrics` and `AuditLog` instead.
public enum ObservabilityBootstrap {
    /// Sends operational logs to stderr as JSON lines at `level` and above, routes swift-metrics
    /// into `metrics.registry` (so `/metrics` shows library metrics too), and ignores SIGPIPE so a
    /// closed stdout turns audit writes into counted failures instead of killing the gateway.
    public static func bootstrap(level: LogConfiguration.Level, metrics: GatewayMetrics) {
        let logLevel = Logger.Level(rawValue: level.rawValue) ?? .info
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: logLevel) }
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: metrics.registry))
        signal(SIGPIPE, SIG_IGN)
    }

    /// The audit log `log.audit` asks for, or `nil` for `off`.
    public static func auditLog(for output: LogConfiguration.AuditOutput) throws(AuditLogError) -> AuditLog? {
        switch output {
        case .off: return nil
        case .standardOutput: return try AuditLog(destination: .standardOutput)
        case .standardError: return try AuditLog(destination: .standardError)
        case .file(let path): return try AuditLog(destination: .file(path))
        }
    }
}
