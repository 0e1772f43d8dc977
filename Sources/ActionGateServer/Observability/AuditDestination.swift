#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where the audit log writes its JSON lines.
public enum AuditDestination: Sendable, Equatable {
    /// File descriptor 1 (the default: let the service manager or container runtime collect it).
    case standardOutput
    /// File descriptor 2, shared with the operational log.
    case standardError
    /// A file opened for appending (created with mode 0640). After a rotation moved it away, the
    /// gateway reopens the path on SIGHUP (logrotate's `postrotate`), or use `copytruncate`.
    case file(String)

    /// Opens the destination; the descriptor is owned by the caller (close it for `.file`).
    func open() throws(AuditLogError) -> Int32 {
        switch self {
        case .standardOutput: return 1
        case .standardError: return 2
        case .file(let path):
            let descriptor = openForAppending(path)
            guard descriptor >= 0 else {
                let reason = String(cString: strerror(errno))
                throw AuditLogError(
                    description: "\(path): cannot open the audit log for appending (\(reason)); "
                        + "check that the folder exists and is writable, or set `log: { audit: stdout }`")
            }
            return descriptor
        }
    }

    /// `stdout`, `stderr` or the path, as the configuration names it.
    var name: String {
        switch self {
        case .standardOutput: "stdout"
        case .standardError: "stderr"
        case .file(let path): path
        }
    }

    /// Whether the gateway opened the descriptor (and so closes it).
    var ownsDescriptor: Bool {
        if case .file = self { return true }
        return false
    }
}

/// `open(2)` for appending, creating the file with mode 0640 (a method named `open` hides the C one).
private func openForAppending(_ path: String) -> Int32 {
    path.withCString { open($0, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640) }
}

/// Why the audit log could not be opened, with what to do about it.
public struct AuditLogError: Error, CustomStringConvertible {
    /// The message for the operator.
    public let description: String
}
