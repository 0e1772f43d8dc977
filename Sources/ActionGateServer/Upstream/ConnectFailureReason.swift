import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why an upstream connect failed, in a few words for the audit line's `detail` (which keeps 100
/// characters of it): the system's text for the error number, or "timed out". SwiftNIO's own
/// description of a failed connect names every address it tried before the reason, so the reason
/// was cut off, and a refused connection, a timeout and a gateway out of file descriptors all read
/// the same.
enum ConnectFailureReason {
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as NIOConnectionError:
            if let last = error.connectionErrors.last {
                return describe(last.error) + " (\(last.target.ipAddress ?? error.host):\(error.port))"
            }
            if let dns = error.dnsAError ?? error.dnsAAAAError {
                return "cannot resolve \(error.host): \(dns)"
            }
            return "no address for \(error.host)"
        case let error as IOError:
            return text(errno: error.errnoCode)
        case ChannelError.connectTimeout(let amount):
            return "timed out after \(amount.nanoseconds / 1_000_000) ms"
        default:
            return "\(error)"
        }
    }

    /// `strerror`'s text, with what it means for the gateway when the gateway is the cause.
    static func text(errno code: Int32) -> String {
        let text = String(cString: strerror(code))
        switch code {
        case EMFILE: return "\(text): the gateway is out of file descriptors (raise its open-file limit)"
        case ENFILE: return "\(text): the system's table of open files is full (fs.file-max)"
        default: return text
        }
    }
}
