/// Why a configuration could not be loaded.
public enum ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The configuration file itself could not be read (missing, permissions, too large, not UTF-8).
    case unreadable(path: String, reason: String)
    /// The file was read but is invalid: every error, followed by every warning.
    case invalid([ConfigurationIssue])

    /// Every issue (for `.unreadable`, one issue describing it).
    public var issues: [ConfigurationIssue] {
        switch self {
        case .unreadable(let path, let reason):
            [ConfigurationIssue(file: path, line: nil, key: nil, message: reason)]
        case .invalid(let issues):
            issues
        }
    }

    /// One `file:line: key: message` line per issue, as `config check` prints them.
    public var description: String {
        issues.map(\.description).joined(separator: "\n")
    }
}
