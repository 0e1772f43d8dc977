/// One problem found while loading a configuration: where it is and what to do about it.
public struct ConfigurationIssue: Sendable, Equatable, CustomStringConvertible {
    /// Errors stop the configuration from loading; warnings are reported and logged.
    public enum Severity: String, Sendable, Equatable {
        case error
        case warning
    }

    /// Error or warning.
    public let severity: Severity
    /// The file the problem is in (the configuration, the allowed-origins file or the manifest).
    public let file: String
    /// The 1-based line, when known.
    public let line: Int?
    /// The configuration key path, e.g. `actions.list[2].policy`, when the problem belongs to one.
    public let key: String?
    /// What is wrong and what is expected.
    public let message: String

    /// An issue at `file:line`, for `key`.
    public init(severity: Severity = .error, file: String, line: Int?, key: String?, message: String) {
        self.severity = severity
        self.file = file
        self.line = line
        self.key = key
        self.message = message
    }

    /// `file:line: key: message`; warnings read `file:line: warning: key: message`.
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        if severity == .warning { text += "warning: " }
        if let key { text += "\(key): " }
        return text + message
    }
}
