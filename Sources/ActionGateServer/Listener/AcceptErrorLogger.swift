import ActionGateCore
import Logging
import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Logs what goes wrong while a listener accepts connections — `accept` failing (out of file
/// descriptors: `EMFILE`, `ENFILE`) or an accepted connection that could not be set up — which SwiftNIO
/// reports on the listening channel and would otherwise drop in silence (no request, so no audit
/// line and no metric).
///
/// It must be the listening channel's last handler: NIO's acceptor fires a failed set-up from its own
/// place in the pipeline, which only the handlers after it see (`addLast(to:)`). A failing `accept`
/// is also what `backoffHandler()` (`AcceptBackoff`), installed first, answers.
///
/// The first error is logged at once; further ones within `interval` are counted and reported with the
/// next line after it, so a flood of failing accepts writes one line per interval.
final class AcceptErrorLogger: ChannelInboundHandler {
    typealias InboundIn = any Channel

    static let interval: Duration = .seconds(10)

    /// How long a listener waits after `accept` failed before it tries again.
    static let acceptBackoff: TimeAmount = .milliseconds(100)

    /// The handler a listening channel needs first (`serverChannelInitializer`): after a failed
    /// `accept` it pauses the listener for `acceptBackoff`.
    static func backoffHandler() -> AcceptBackoff {
        AcceptBackoff(delay: acceptBackoff)
    }

    private let address: ListenAddress
    private let listener: String
    private let logger: Logger
    private var lastLogged: ContinuousClock.Instant?
    private var suppressed = 0

    init(address: ListenAddress, listener: String = "listen", logger: Logger) {
        self.address = address
        self.listener = listener
        self.logger = logger
    }

    /// Appends a logger for `address` to a bound listener's pipeline, after NIO's acceptor.
    static func addLast(
        to channel: any Channel, address: ListenAddress, listener: String = "listen", logger: Logger
    ) async throws {
        try await channel.eventLoop.submit {
            try channel.pipeline.syncOperations.addHandler(
                AcceptErrorLogger(address: address, listener: listener, logger: logger))
        }.get()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let now = ContinuousClock.now
        if let lastLogged, now - lastLogged < Self.interval {
            suppressed += 1
            return
        }
        var metadata: Logger.Metadata = [listener: "\(address)", "error": "\(error)"]
        if suppressed > 0 { metadata["suppressed"] = "\(suppressed)" }
        // A client that gave up before its connection was accepted is the client's business.
        let level: Logger.Level = (error as? IOError)?.errnoCode == ECONNABORTED ? .debug : .error
        logger.log(level: level, "\(Self.message(for: error))", metadata: metadata)
        lastLogged = now
        suppressed = 0
    }

    /// What happened and what to do, by the error's kind (what SwiftNIO and `AcceptBackoff` do
    /// after it: pause, go on, or close the listener).
    static func message(for error: any Error) -> String {
        let pause = "\(acceptBackoff.nanoseconds / 1_000_000) ms"
        guard let error = error as? IOError else {
            return "setting up an accepted connection failed; the connection was closed unanswered"
        }
        switch error.errnoCode {
        case EMFILE:
            return "accepting connections failed: the process is out of file descriptors; clients "
                + "wait in the listen backlog and accepting is retried every \(pause). "
                + "Raise the open-file limit (LimitNOFILE= under systemd, ulimit -n) or lower limits.max_connections"
        case ENFILE:
            return "accepting connections failed: the system's table of open files is full (fs.file-max); "
                + "clients wait in the listen backlog and accepting is retried every \(pause)"
        case ENOBUFS, ENOMEM:
            return "accepting connections failed: the system is out of memory for sockets; clients wait "
                + "in the listen backlog and accepting is retried every \(pause)"
        case ECONNABORTED:
            return "a client closed its connection before it was accepted"
        default:
            return "accepting connections failed with an error SwiftNIO does not recover from: it closes "
                + "this listener, and the gateway stops (exit 3) for its service manager to restart it"
        }
    }
}

@available(*, unavailable)
extension AcceptErrorLogger: Sendable {}
