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

    /// Why `auditLog(for:)` would fail for `output`, without creating or opening anything (for
    /// `config check`); `nil` when a file destination looks writable (or it is not a file).
    public static func auditProblem(for output: LogConfiguration.AuditOutput) -> String? {
        guard case .file(let path) = output else { return nil }
        let exists = access(path, F_OK) == 0
        let folder = path.lastIndex(of: "/").map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        guard access(exists ? path : folder, exists ? W_OK : W_OK | X_OK) != 0 else { return nil }
        let reason = String(cString: strerror(errno))
        return "\(path): the audit log could not be opened for appending (\(reason)); "
            + "check that the folder exists and is writable by the gateway's user, or set `log: { audit: stdout }`"
    }

    /// The audit log `log.audit` asks for, or `nil` for `off`.
    public static func auditLog(for output: LogConfiguration.AuditOutput) throws(AuditLogError) -> AuditLog? {
        let destination: AuditDestination
        switch output {
        case .off: return nil
        case .standardOutput: destination = .standardOutput
        case .standardError: destination = .standardError
        case .file(let path): destination = .file(path)
        }
        return try AuditLog(destination: destination, logger: Logger(label: "actiongate.audit"))
    }
}
