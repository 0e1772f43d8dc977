import NIOCore
import NIOPosix
import Synchronization

/// A TCP client that sends exact bytes and reads raw responses: the attacker's view of the gateway.
final class RawConnection: Sendable {
    struct Timeout: Error {}
    struct Closed: Error {}

    private let channel: any Channel
    private let inbox: Inbox
    private let consumed = Mutex(0)

    private init(channel: any Channel, inbox: Inbox) {
        self.channel = channel
        self.inbox = inbox
    }

    static func connect(to address: SocketAddress) async throws -> RawConnection {
        let inbox = Inbox()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(InboxHandler(inbox: inbox))
                }
            }
            .connect(to: address)
            .get()
        return RawConnection(channel: channel, inbox: inbox)
    }

    func send(_ text: String) async throws {
        try await channel.writeAndFlush(channel.allocator.buffer(string: text))
    }

    func send(bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(channel.allocator.buffer(bytes: bytes))
    }

    /// Half-closes: the gateway sees end-of-input but can still answer.
    func closeOutput() async throws {
        try await channel.close(mode: .output)
    }

    func close() async {
        try? await channel.close()
    }

    /// True once the gateway closed the connection (or reset it).
    var isClosedByPeer: Bool { inbox.state.withLock { $0.closed } }

    /// Everything received so far, consumed or not.
    var received: [UInt8] { inbox.state.withLock { $0.bytes } }

    /// Everything received so far that no `readResponse` consumed.
    var unread: [UInt8] {
        let offset = consumed.withLock { $0 }
        return inbox.state.withLock { Array($0.bytes[offset...]) }
    }

    /// Waits (bounded) for one complete response and consumes it.
    func readResponse(isHEAD: Bool = false, timeout: Duration = .seconds(5)) async throws -> ParsedResponse {
        let deadline = ContinuousClock.now + timeout
        while true {
            let offset = consumed.withLock { $0 }
            let (bytes, closed) = inbox.state.withLock { ($0.bytes, $0.closed) }
            if let (response, length) = ParsedResponse.parse(bytes[offset...], isHEAD: isHEAD, closed: closed) {
                consumed.withLock { $0 = offset + length }
                return response
            }
            if closed { throw Closed() }
            guard ContinuousClock.now < deadline else { throw Timeout() }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Waits (bounded) until the gateway closes the connection; false on timeout.
    func waitForClose(timeout: Duration = .seconds(5)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !isClosedByPeer {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return true
    }
}

/// Bytes received by a `RawConnection`.
final class Inbox: Sendable {
    let state = Mutex<(bytes: [UInt8], closed: Bool)>(([], false))
}

final class InboxHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    private let inbox: Inbox

    init(inbox: Inbox) {
        self.inbox = inbox
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        inbox.state.withLock { $0.bytes.append(contentsOf: buffer.readableBytesView) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        inbox.state.withLock { $0.closed = true }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            inbox.state.withLock { $0.closed = true }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension InboxHandler: Sendable {}
