import NIOCore
import NIOHTTP1

/// One keep-alive HTTP/1.1 connection to an upstream, owned by an `UpstreamPool` and lent to one
/// exchange at a time.
///
/// Pipeline: `HTTPRequestEncoder` (framing set by the gateway) → NIO's response decoder → this.
/// It intercepts `read` so the client side can stop the relay while the client does not drain.
final class UpstreamConnection: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTPClientRequestPart

    private var context: ChannelHandlerContext?
    private weak var pool: UpstreamPool?
    private var exchange: (any UpstreamExchange)?
    private var headReceived = false
    private var responseComplete = false
    private var requestComplete = false
    private var responseKeepAlive = false
    private var readsPaused = false
    private var readPending = false
    private(set) var isOpen = true
    /// Exchanges started on this connection; above 1 it was reused from the pool.
    private(set) var exchangeCount = 0
    /// When the connection last went back to the pool (idle eviction).
    var idleSince = NIODeadline.now()

    init(pool: UpstreamPool) {
        self.pool = pool
    }

    /// True when the last exchange ended cleanly and both sides want to keep the connection.
    var isReusable: Bool {
        isOpen && headReceived && responseComplete && requestComplete && responseKeepAlive
    }

    var isWritable: Bool { context?.channel.isWritable ?? false }

    /// Starts an exchange: writes the request head. The body follows with `writeBody`/`endRequest`.
    func start(_ exchange: any UpstreamExchange, head: HTTPRequestHead) {
        self.exchange = exchange
        exchangeCount += 1
        headReceived = false
        responseComplete = false
        requestComplete = false
        responseKeepAlive = false
        readsPaused = false
        context?.write(wrapOutboundOut(.head(head)), promise: nil)
    }

    func writeBody(_ part: ByteBuffer) {
        context?.write(wrapOutboundOut(.body(.byteBuffer(part))), promise: nil)
    }

    func flush() {
        context?.flush()
    }

    /// Ends the request (and flushes).
    func endRequest() {
        requestComplete = true
        context?.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    /// Detaches the exchange, so a late event cannot reach a finished request.
    func detach() {
        exchange = nil
        setReadsPaused(false)
    }

    /// Gives the connection back to the pool that opened it (closing it unless `reusable`).
    func returnToPool(reusable: Bool) {
        if let pool {
            pool.release(self, reusable: reusable)
        } else {
            detach()
            close()
        }
    }

    /// Stops (or resumes) reading the response while the client cannot take more.
    func setReadsPaused(_ paused: Bool) {
        readsPaused = paused
        if !paused, readPending, let context {
            readPending = false
            context.read()
        }
    }

    func close() {
        guard isOpen else { return }
        isOpen = false
        context?.close(promise: nil)
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        pool?.connectionEstablished(self)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        isOpen = false
        if let exchange, !responseComplete {
            self.exchange = nil
            exchange.upstreamFailed(headReceived ? .closedMidResponse : .closedBeforeResponse)
        }
        pool?.connectionClosed(self)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            guard head.status != .switchingProtocols else {
                fail(.switchedProtocols)
                return
            }
            headReceived = true
            responseKeepAlive = head.isKeepAlive
            exchange?.upstreamResponseHead(head)
        case .body(let part):
            exchange?.upstreamResponseBody(part)
        case .end:
            responseComplete = true
            exchange?.upstreamResponseEnd()
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        exchange?.upstreamReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        exchange?.upstreamWritabilityChanged(isWritable: context.channel.isWritable)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(.protocolError("\(error)"))
    }

    func read(context: ChannelHandlerContext) {
        if readsPaused {
            readPending = true
        } else {
            context.read()
        }
    }

    private func fail(_ failure: UpstreamFailure) {
        let exchange = self.exchange
        self.exchange = nil
        close()
        exchange?.upstreamFailed(failure)
    }
}

@available(*, unavailable)
extension UpstreamConnection: Sendable {}
