/// `log:` — where the per-request audit log goes and how much the operational log says.
///
/// Read at startup only: a reload that changes this section takes effect at the next restart.
public struct LogConfiguration: Sendable, Equatable {
    /// `log.audit`: the destination of the audit log (one JSON line per request).
    public enum AuditOutput: Sendable, Equatable {
        /// `stdout` (the default).
        case standardOutput
        /// `stderr`, together with the operational log.
        case standardError
        /// `off`: no audit lines (metrics still count every request).
        case off
        /// A file path (absolute after loading), opened for appending.
        case file(String)
    }

    /// `log.level`: the least severe operational message written.
    public enum Level: String, Sendable, Equatable, CaseIterable {
        /// Everything, including per-step tracing.
        case trace
        /// Diagnostic detail.
        case debug
        /// Startup, reloads, shutdown (the default).
        case info
        /// Noteworthy conditions that need no action.
        case notice
        /// Problems the gateway works around (e.g. configuration warnings).
        case warning
        /// Failures such as a refused reload.
        case error
        /// Failures that stop the gateway.
        case critical
    }

    /// `log.audit`, default `stdout`.
    public let audit: AuditOutput
    /// `log.level`, default `info`.
    public let level: Level

    /// The log settings.
    public init(audit: AuditOutput = .standardOutput, level: Level = .info) {
        self.audit = audit
        self.level = level
    }
}
