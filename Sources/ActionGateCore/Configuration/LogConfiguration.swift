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
        case trace, debug, info, notice, warning, error, critical
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
