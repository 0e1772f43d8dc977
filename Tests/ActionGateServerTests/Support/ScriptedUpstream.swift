import NIOCore
import NIOPosix
import Synchronization

/// A raw upstream on 127.0.0.1 that answers each request with bytes a test scripts, sent in pieces
/// with a flush (and a short pause) between them — for response shapes a real HTTP server would not
/// produce: interim responses, chunk extensions and trailers, close-delimited bodies, broken framing.
///
/// A request is read up to its empty line plus its `Content-Length` (the gateway sends no other
/// framing to it here). `respond` gets the request's head text and its index on the connection.
final class ScriptedUpstream: Sendable {
    struct Reply: Sendable {
        var pieces: [[UInt8]]
        /// Close the connection after the last piece.
        var close = false

        /// `text` in pieces of `size` bytes (the whole text when `size` is nil).
        init(_ text: String, pieceSize size: Int? = nil, close: Bool = false) {
            let bytes = Array(text.utf8)
            let step = max(1, size ?? bytes.count)
            pieces = stride(from: 0, to: bytes.count, by: step).map { Array(bytes[$0..<min($0 + step, bytes.count)]) }
            self.close = close
        }

        /// These bytes, whole (for bytes a `String` cannot hold).
        init(bytes: [UInt8], close: Bool = false) {
            pieces = [bytes]
            self.close = close
        }

        /// These pieces, in order.
        init(pieces: [String], close: Bool = false) {
            self.pieces = pieces.map { Array($0.utf8) }
            self.close = close
        }
    }

    let channel: any Channel
    private let state: ScriptState

    private init(channel: any Channel, state: ScriptState) {
        self.channel = channel
        self.state = state
    }

    var port: Int { channel.localAddress?.port ?? 0 }
    /// Connections accepted so far.
    var connectionCount: Int { state.connections.withLock { $0 } }
    /// Request heads received so far, in order.
    var requests: [String] { state.requests.withLock { $0 } }

    static func start(
        _ respond: @escaping @Sendable (_ head: String, _ index: Int) -> Reply
    ) async throws -> ScriptedUpstream {
        let state = ScriptState()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    state.connections.withLock { $0 += 1 }
                    try channel.pipeline.syncOperations.addHandler(
                        ScriptedUpstreamHandler(state: state, respond: respond))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return ScriptedUpstream(channel: channel, state: state)
    }

    func stop() async {
        try? await channel.close()
    }
}

final class ScriptState: Sendable {
    let connections = Mutex(0)
    let requests = Mutex<[String]>([])
}

private final class ScriptedUpstreamHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let state: ScriptState
    private let respond: @Sendable (String, Int) -> ScriptedUpstream.Reply
    private var received: [UInt8] = []
    private var index = 0

    init(state: ScriptState, respond: @escaping @Sendable (String, Int) -> ScriptedUpstream.Reply) {
        self.state = state
        self.respond = respond
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received += unwrapInboundIn(data).readableBytesView
        while let (head, length) = nextRequest() {
            received.removeFirst(length)
            state.requests.withLock { $0.append(head) }
            send(respond(head, index).pieces[...], close: respond(head, index).close, context: context)
            index += 1
        }
    }

    /// The head text and the byte count of the first complete request in `received`.
    private func nextRequest() -> (String, Int)? {
        guard received.count >= 4,
            let end = (3..<received.count).first(where: { received[($0 - 3)...$0].elementsEqual([13, 10, 13, 10]) })
        else { return nil }
        let head = String(decoding: received[...end], as: UTF8.self)
        let lengthLine = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
        let length =
            lengthLine.flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
        guard received.count >= end + 1 + length else { return nil }
        return (head, end + 1 + length)
    }

    private func send(_ pieces: ArraySlice<[UInt8]>, close: Bool, context: ChannelHandlerContext) {
        guard let piece = pieces.first else {
            if close { context.close(promise: nil) }
            return
        }
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: piece)), promise: nil)
        let rest = pieces.dropFirst()
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(in: .milliseconds(rest.isEmpty ? 0 : 2)) {
            let (handler, context) = loopBound.value
            handler.send(rest, close: close, context: context)
        }
    }
}

@available(*, unavailable)
extension ScriptedUpstreamHandler: Sendable {}
