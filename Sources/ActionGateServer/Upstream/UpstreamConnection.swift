import ActionGateCore
import NIOCore

/// One keep-alive HTTP/1.1 connection to an upstream, owned by an `UpstreamPool` and lent to one
/// exchange at a time.
///
/// The only handler of its channel: it writes request heads the gateway serialised
/// (`UpstreamRequestHead`), frames streamed bodies itself, and decodes responses in place with
/// `ResponseDecoder` (body bytes are relayed as slices of what was read, never copied). It
/// intercepts `read` so the client side can stop the relay while the client does not drain.
final class UpstreamConnection: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var context: ChannelHandlerContext?
    private var decoder: ResponseDecoder
    /// Bytes of a response head that is not complete yet.
    private var pendingHead: ByteBuffer?
    /// The current request body goes out chunked (the gateway adds the chunk framing).
    private var requestChunked = false
    /// A chunked body's parts not yet written: they leave as one chunk (`writeBody`).
    private var unsentChunk: ByteBuffer?
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

    init(pool: UpstreamPool, maxHeadBytes: Int) {
        self.pool = pool
        self.decoder = ResponseDecoder(maxHeadBytes: maxHeadBytes)
    }

    /// True when the last exchange ended cleanly and both sides want to keep the connection.
    var isReusable: Bool {
        isOpen && headReceived && responseComplete && requestComplete && responseKeepAlive
    }

    var isWritable: Bool { context?.channel.isWritable ?? false }

    /// Starts an exchange: writes `head`, the serialised request head (and, for a buffered body,
    /// the body after it). A streamed body follows with `writeBody`; `endRequest` ends the request.
    ///
    /// - Parameters:
    ///   - isHEAD: the request's method is HEAD (its response has no body, whatever its head says).
    ///   - chunked: the head declares `Transfer-Encoding: chunked`; `writeBody` adds the framing.
    func start(_ exchange: any UpstreamExchange, head: ByteBuffer, isHEAD: Bool, chunked: Bool) {
        self.exchange = exchange
        exchangeCount += 1
        headReceived = false
        responseComplete = false
        requestComplete = false
        responseKeepAlive = false
        readsPaused = false
        requestChunked = chunked
        unsentChunk = nil
        decoder.expectResponse(isHEAD: isHEAD)
        context?.write(wrapOutboundOut(head), promise: nil)
    }

    /// Writes part of a streamed body (chunk-framed when the request is chunked).
    ///
    /// Chunked, the parts of one client read leave as one chunk (at `flush` or `endRequest`, or
    /// every `maximumChunk` bytes): a client sending one-byte chunks made the gateway frame and
    /// write each one (about 250 ns of CPU per byte sent); it now costs a copy.
    func writeBody(_ part: ByteBuffer) {
        // An empty chunk would end a chunked body early; an empty write is nothing.
        guard let context, part.readableBytes > 0 else { return }
        guard requestChunked else {
            context.write(wrapOutboundOut(part), promise: nil)
            return
        }
        if unsentChunk == nil {
            unsentChunk = part
        } else {
            var part = part
            unsentChunk?.writeBuffer(&part)
        }
        if let size = unsentChunk?.readableBytes, size >= Self.maximumChunk { writeUnsentChunk(context) }
    }

    /// The most body bytes gathered into one chunk before it is written.
    static let maximumChunk = 64 * 1024

    private func writeUnsentChunk(_ context: ChannelHandlerContext) {
        guard let chunk = unsentChunk else { return }
        unsentChunk = nil
        ChunkFraming.writeChunk(chunk, allocator: context.channel.allocator) {
            context.write(wrapOutboundOut($0), promise: nil)
        }
    }

    func flush() {
        guard let context else { return }
        writeUnsentChunk(context)
        context.flush()
    }

    /// Ends the request (and flushes).
    func endRequest() {
        requestComplete = true
        guard let context else { return }
        if requestChunked {
            writeUnsentChunk(context)
            context.write(wrapOutboundOut(ChunkFraming.lastChunk), promise: nil)
        }
        context.flush()
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
        pendingHead = nil
        if let exchange, !responseComplete {
            if headReceived, decoder.inputEnded() == .end {
                // A body delimited by the end of the connection is complete.
                responseComplete = true
                exchange.upstreamResponseEnd()
            } else {
                self.exchange = nil
                exchange.upstreamFailed(headReceived ? .closedMidResponse : .closedBeforeResponse)
            }
        }
        pool?.connectionClosed(self)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        buffer.prepend(&pendingHead)
        decode(&buffer)
        if isOpen, buffer.readableBytes > 0 {
            pendingHead = buffer  // an incomplete head: decoded again with the next read
        }
    }

    /// Decodes and delivers every event in `buffer`, leaving only the bytes of an incomplete head.
    private func decode(_ buffer: inout ByteBuffer) {
        while isOpen {
            let part: MessagePart<ResponseHead>?
            do {
                part = try buffer.readMessagePart(with: &decoder)
            } catch {
                fail(.protocolError(error.detail))
                return
            }
            switch part {
            case nil:
                return
            case .head(let head)?:
                guard head.status != 101 else {
                    fail(.switchedProtocols)
                    return
                }
                guard !head.hasOtherTransferCoding || head.body == .none else {
                    // The gateway re-frames bodies itself and would pass the encoded bytes on as if
                    // they were the content.
                    fail(.protocolError("a Transfer-Encoding other than chunked, which the gateway does not decode"))
                    return
                }
                headReceived = true
                responseKeepAlive = head.keepAlive
                exchange?.upstreamResponseHead(head)
            case .body(let bytes)?:
                exchange?.upstreamResponseBody(bytes)
            case .end?:
                if buffer.readableBytes > 0 {
                    // Bytes after the response that no request asked for: never reuse this connection.
                    responseKeepAlive = false
                    buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
                }
                responseComplete = true
                exchange?.upstreamResponseEnd()
                return
            }
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
