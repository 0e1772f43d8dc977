import ActionGateCore
import Logging
import NIOCore

/// Logs what goes wrong while a listener accepts connections — `accept` failing (out of file
/// descriptors: `EMFILE`, `ENFILE`) or an accepted connection that could not be set up — which SwiftNIO
/// reports on the listening channel and would otherwise drop in silence: the client sees its connection
/// closed, and nothing else would show it (no request, so no audit line and no metric).
///
/// It must be the listening channel's last handler: NIO's acceptor fires a failed set-up from its own
/// place in the pipeline, which only the handlers after it see (`addLast(to:)`).
///
/// The first error is logged at once; further ones within `interval` are counted and reported with the
/// next line after it, so a flood of failing accepts writes one line per interval.
final class AcceptErrorLogger: ChannelInboundHandler {
    typealias InboundIn = any Channel

    static let interval: Duration = .seconds(10)

    private let address: ListenAddress
    private let logger: Logger
    private var lastLogged: ContinuousClock.Instant?
    private var suppressed = 0

    init(address: ListenAddress, logger: Logger) {
        self.address = address
        self.logger = logger
    }

    /// Appends a logger for `address` to a bound listener's pipeline, after NIO's acceptor.
    static func addLast(to listener: any Channel, address: ListenAddress, logger: Logger) async throws {
        try await listener.eventLoop.submit {
            try listener.pipeline.syncOperations.addHandler(AcceptErrorLogger(address: address, logger: logger))
        }.get()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let now = ContinuousClock.now
        if let lastLogged, now - lastLogged < Self.interval {
            suppressed += 1
            return
        }
        var metadata: Logger.Metadata = ["listen": "\(address)", "error": "\(error)"]
        if suppressed > 0 { metadata["suppressed"] = "\(suppressed)" }
        logger.error(
            "accepting a client connection failed; the client's connection was closed unanswered", metadata: metadata)
        lastLogged = now
        suppressed = 0
    }
}

@available(*, unavailable)
extension AcceptErrorLogger: Sendable {}
