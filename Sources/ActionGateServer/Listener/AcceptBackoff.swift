import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Pauses a listening channel for `delay` after `accept` failed (out of file descriptors: `EMFILE`,
/// `ENFILE`; out of memory: `ENOBUFS`, `ENOMEM`), so the event loop does not spin on it.
///
/// A connection waiting in the backlog keeps the listening socket readable while `accept` fails,
/// so without a pause the loop calls `accept` again at once, hundreds of thousands of times a
/// second, and serves nothing else. SwiftNIO's `AcceptBackoffHandler` holds back the *next* read,
/// which is never asked for when the first `accept` of a read already fails (the channel stays
/// registered for readability). Turning `autoRead` off unregisters the socket at once; turning it
/// back on after the delay registers it again (and retries, with another pause if it fails again).
///
/// Install it first on the listening channel (`serverChannelInitializer`): it forwards every error
/// to the handlers after it (`AcceptErrorLogger` says what happened).
final class AcceptBackoff: ChannelInboundHandler {
    typealias InboundIn = any Channel

    private let delay: TimeAmount
    private var resume: Scheduled<Void>?

    init(delay: TimeAmount) {
        self.delay = delay
    }

    /// The failures that a pause can help: exhausted descriptors or memory. Not a connection the
    /// client aborted before it was accepted (`ECONNABORTED`): pausing for that would let anyone
    /// who resets handshakes keep the listener paused.
    static func isExhaustion(_ error: any Error) -> Bool {
        guard let error = error as? IOError else { return false }
        return [EMFILE, ENFILE, ENOBUFS, ENOMEM].contains(error.errnoCode)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if Self.isExhaustion(error), resume == nil, let options = context.channel.syncOptions {
            do {
                try options.setOption(.autoRead, value: false)
                resume = context.eventLoop.assumeIsolated().scheduleTask(in: delay) { [self] in
                    resume = nil
                    try? context.channel.syncOptions?.setOption(.autoRead, value: true)
                }
            } catch {
                // A closed listener: nothing to pause.
            }
        }
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        resume?.cancel()
        resume = nil
        context.fireChannelInactive()
    }
}

@available(*, unavailable)
extension AcceptBackoff: Sendable {}
