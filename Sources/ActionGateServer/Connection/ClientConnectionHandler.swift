import ActionGateCore
import NIOCore

/// Serves one client connection: decodes requests (`RequestDecoder`), feeds them through
/// `ConnectionStateMachine`, asks the snapshot's Gate, runs the upstream exchange and relays the
/// response.
///
/// The only handler of its channel: it reads the socket's bytes itself, so it sees a head's first
/// byte (its header timer starts then) and bounds a head's raw bytes before decoding them. It
/// intercepts `read` so the socket is read only when the state machine wants more (one request at a
/// time; body back-pressure). Everything runs on the connection's EventLoop; the handler is not
/// Sendable.
final class ClientConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Events held while an earlier request is in flight (pipelining), in arrival order.
    enum Event {
        case part(MessagePart<DecodedRequestHead>)
        case parseError(FramingViolation, String)
        case inputClosed
    }

    let loop: LoopContext
    /// Position in the loop's registry (maintained by `LoopContext`).
    var registryIndex = -1
    /// The earliest of the active deadlines; the loop's sweep calls `deadlinePassed` after it.
    private(set) var deadline = NIODeadline.distantFuture

    var context: ChannelHandlerContext?
    var machine = ConnectionStateMachine()
    private var decoder: RequestDecoder
    /// Bytes of a request head that is not complete yet, or input not decoded yet because the
    /// queue was full (`inputHeld`): always decoded before any later read, so order holds.
    private var pendingHead: ByteBuffer?
    /// Input waits undecoded in `pendingHead` until the queue empties (no more is read meanwhile).
    private(set) var inputHeld = false
    /// Events decoded ahead of the one in progress at most. A read brings up to 4 × 64 KiB, which
    /// is thousands of tiny pipelined requests; decoded at once they took ~5 MB per connection
    /// whose client never read its answers (a soak test). The rest of the read waits as bytes.
    static let maxQueuedEvents = 16
    /// The decoder refused the bytes: nothing more from this client is decoded.
    private var decoderFailed = false
    var request: InFlightRequest?
    var collector: BodyCollector?
    var upstream: UpstreamConnection?
    /// The response head, rewritten, not yet handed to the channel: it goes out with the first body
    /// bytes or at the end of the upstream read, so an upstream that fails in the same read (a
    /// malformed chunk right after the head) gets the client a 502 instead of a cut response.
    var unsentResponseHead: ByteBuffer?
    var waitingPool: UpstreamPool?
    /// The wait in `waitingPool` is for a connection the pool is opening (not for a busy one).
    var waitsForConnect = false
    var backlog = CircularBuffer<ByteBuffer>(initialCapacity: 2)
    var peer = ""
    private(set) var queue = CircularBuffer<Event>(initialCapacity: 2)
    private var readPending = false
    private var headBytes = 0
    /// Bytes read ahead while a request was in flight (see `rawBytesArriving`).
    private var earlyHeadBytes = 0
    private var isActive = false
    /// True between a client `channelRead` and its `channelReadComplete`, which flushes a streamed
    /// request upstream: writes made meanwhile need no flush of their own.
    var isInClientRead = false
    /// Set once `close()` asked the channel to close.
    var isClosing = false
    /// Set while a connection closing after a response lingers (`close(lingering:)`).
    var linger: Linger?
    /// The connection is counted in `GatewayCounters.openConnections` (by the channel initializer)
    /// until `tearDown` runs.
    var isCounted = true
    var headDeadline = NIODeadline.distantFuture
    var bodyDeadline = NIODeadline.distantFuture
    var upstreamDeadline = NIODeadline.distantFuture

    init(loop: LoopContext) {
        self.loop = loop
        self.decoder = RequestDecoder(
            maxHeadBytes: loop.limits.maxHeaderBytes, maxHeaderCount: loop.limits.maxHeaderCount)
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { activate(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        activate(context: context)
        context.fireChannelActive()
    }

    private func activate(context: ChannelHandlerContext) {
        guard !isActive else { return }
        isActive = true
        peer = context.channel.remoteAddress?.ipAddress ?? ""
        headDeadline = .now() + .nanoseconds(loop.limits.headerTimeout.nanosecondsClamped)
        updateDeadline()
        loop.register(self)
    }

    func channelInactive(context: ChannelHandlerContext) {
        tearDown()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        tearDown()
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        guard rawBytesArriving(buffer.readableBytes), !decoderFailed else { return }
        isInClientRead = true
        buffer.prepend(&pendingHead)
        decode(&buffer)
        // What is left is an incomplete head, kept for the next read (the decoder bounds it), or
        // bytes after a request the decoder stopped at, which are never read.
        if !decoderFailed, !decoder.isStopped, machine.phase != .closed, buffer.readableBytes > 0 {
            pendingHead = buffer
        }
    }

    /// Decodes the events in `buffer` into the event queue, leaving the bytes of an incomplete head,
    /// or stopping with the input held when `limit` events wait in the queue.
    private func decode(_ buffer: inout ByteBuffer, limit: Int = maxQueuedEvents) {
        while !decoderFailed, machine.phase != .closed {
            if queue.count >= limit {
                inputHeld = buffer.readableBytes > 0
                return
            }
            do {
                guard let part = try buffer.readMessagePart(with: &decoder) else { return }
                enqueue(.part(part))
            } catch {
                decoderFailed = true
                pendingHead = nil
                enqueue(.parseError(error.violation, error.detail))
            }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        isInClientRead = false
        if case .inFlight(.discard, bodyComplete: false, _) = machine.phase, queue.isEmpty {
            // The rest of a refused body did not come with this read: refuse and close.
            finishDiscard(bodyEnded: false)
        }
        if case .inFlight(.stream, _, _) = machine.phase {
            upstream?.flush()
        }
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // An I/O error (e.g. a reset): nobody is left to answer.
        if request != nil { abortRecord("client connection error: \(error)") }
        close()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            switch linger {
            case .draining?:
                close()
                return
            case .flushing?:
                _ = machine.inputEnded()  // the response still goes out; then the connection closes
                return
            case nil:
                break
            }
            // Nothing more can arrive: what was held is decoded now, ahead of the end (bounded by
            // what was read).
            decodeHeldInput(limit: .max)
            if !decoderFailed, decoder.isInsideRequest {
                // The client ended its side inside a request: that request can never complete.
                decoderFailed = true
                pendingHead = nil
                enqueue(.parseError(.parseError, "the input ended inside a request"))
            }
            enqueue(.inputClosed)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if case .inFlight(_, _, .relaying) = machine.phase {
            upstream?.setReadsPaused(!context.channel.isWritable)
        }
        if context.channel.isWritable, !queue.isEmpty, machine.acceptsHead {
            // Pipelined requests held while the client was not reading its responses.
            drainQueueAndRead()
        }
        context.fireChannelWritabilityChanged()
    }

    func read(context: ChannelHandlerContext) {
        if linger != nil {
            context.read()
            return
        }
        if queue.isEmpty, !inputHeld, machine.wantsRead(streamReady: streamReady) {
            context.read()
        } else {
            readPending = true
        }
    }

    // MARK: Reading and the event queue

    /// Called with each read's size before its bytes are decoded; false drops them.
    private func rawBytesArriving(_ count: Int) -> Bool {
        guard machine.phase != .closed else { return false }
        if case .inFlight(_, bodyComplete: true, _) = machine.phase {
            // Read-ahead: the start of the next head, timed from now once this exchange ends.
            earlyHeadBytes &+= count
            return true
        }
        guard case .awaitingHead = machine.phase, queue.isEmpty else { return true }
        if machine.bytesArrived() {
            headBytes = 0
            headDeadline = .now() + .nanoseconds(loop.limits.headerTimeout.nanosecondsClamped)
            updateDeadline()
        }
        // Earlier reads of this head were all consumed without completing it.
        if headBytes > loop.limits.maxHeaderBytes {
            refuseBeforeHead(.headTooLarge, detail: "\(headBytes) bytes without a complete head")
            return false
        }
        headBytes &+= count
        return true
    }

    var streamReady: Bool {
        guard let upstream, backlog.isEmpty else { return false }
        return upstream.isWritable
    }

    private func enqueue(_ event: Event) {
        if queue.isEmpty, consume(event) { return }
        queue.append(event)
    }

    /// Processes queued events until one cannot be processed yet, then reads if wanted.
    ///
    /// Each event leaves the queue before it is consumed: consuming one can end the exchange at
    /// once (a refusal) and start the next from inside it (`after(.nextRequest)` drains again), and
    /// that inner drain must find the queue without the event being handled.
    func drainQueueAndRead() {
        repeat {
            while machine.phase != .closed, let event = queue.popFirst() {
                guard consume(event) else {
                    queue.prepend(event)
                    break
                }
            }
        } while queue.isEmpty && decodeHeldInput()
        if earlyHeadBytes > 0, queue.isEmpty, case .awaitingHead = machine.phase {
            // Bytes were read ahead during the exchanges just served; if they left part of a head,
            // its header timer runs now. (Their count is not charged to the head: they may include
            // requests already served.) While a read-ahead request is still in flight this waits
            // for its end: the partial head behind it is timed from then.
            if decoder.isInsideRequest, machine.bytesArrived() {
                headBytes = 0
                headDeadline = .now() + .nanoseconds(loop.limits.headerTimeout.nanosecondsClamped)
                updateDeadline()
            }
            earlyHeadBytes = 0
        }
        if case .inFlight(.discard, bodyComplete: false, _) = machine.phase, queue.isEmpty {
            finishDiscard(bodyEnded: false)
        }
        resumeReadingIfWanted()
    }

    /// Decodes the input held while the queue was full; true when that queued events to drain.
    @discardableResult
    private func decodeHeldInput(limit: Int = maxQueuedEvents) -> Bool {
        guard inputHeld, machine.phase != .closed, var held = pendingHead else { return false }
        pendingHead = nil
        inputHeld = false
        decode(&held, limit: limit)
        if !decoderFailed, !decoder.isStopped, machine.phase != .closed, held.readableBytes > 0 {
            pendingHead = held
        }
        return !queue.isEmpty
    }

    func resumeReadingIfWanted() {
        guard readPending, let context, queue.isEmpty, !inputHeld, machine.wantsRead(streamReady: streamReady)
        else { return }
        readPending = false
        context.read()
    }

    /// Handles one event if the current phase can; false leaves it queued.
    private func consume(_ event: Event) -> Bool {
        switch event {
        case .part(.head(let head)):
            // A client that sends requests without reading the responses must not make the gateway
            // hold its answers without bound: the next request waits (and, queued, stops the reads)
            // while the responses already written are above the channel's high-water mark.
            guard machine.acceptsHead, context?.channel.isWritable ?? true else { return false }
            headBytes = 0
            headDeadline = .distantFuture
            receivedHead(head)
        case .part(.body(let part)):
            guard machine.isReceivingBody else { return true }
            receivedBody(part)
        case .part(.end):
            guard machine.isReceivingBody else { return true }
            receivedEnd()
        case .parseError(let violation, let detail):
            if machine.acceptsHead {
                refuseBeforeHead(violation, detail: detail)
            } else if machine.isReceivingBody {
                failRequest(violation.rejection(detail: detail))
            } else {
                return false
            }
        case .inputClosed:
            // Behind queued pipelined requests it waits its turn (they are still answered). With
            // nothing queued, the state machine learns it at once, so a response not yet started
            // says `Connection: close`.
            guard machine.acceptsHead || machine.isReceivingBody || queue.isEmpty else { return false }
            // Between exchanges the previous response may still be leaving: it goes out whole first.
            if machine.inputEnded() == .close { close(lingering: true) }
        }
        return true
    }

    // MARK: Deadlines

    func updateDeadline() {
        deadline = min(headDeadline, min(bodyDeadline, upstreamDeadline))
    }

    /// Called by the loop's sweep once `deadline` has passed.
    func deadlinePassed(now: NIODeadline) {
        if linger != nil {
            close()
            return
        }
        let action = machine.timeoutAction(
            headOverdue: headDeadline <= now,
            bodyOverdue: bodyDeadline <= now,
            upstreamOverdue: upstreamDeadline <= now
        )
        switch action {
        case nil:
            updateDeadline()
        case .closeSilently?:
            close()
        case .requestTimeout?:
            if machine.acceptsHead {
                refuseBeforeHead(nil, detail: "request head not complete within the header timeout")
            } else {
                failRequest(Rejection(.requestTimeout, detail: "request body not complete within the body timeout"))
            }
        case .upstreamDeadline?:
            upstreamDeadlinePassed()
        case .abort?:
            abort("response relay made no progress within the request timeout")
        }
    }

    /// Graceful shutdown: stop after the current response (or now, when idle).
    func quiesce() {
        // An idle keep-alive connection may still be sending its last response: it goes out whole.
        if machine.quiesce() == .close { close(lingering: true, drainInput: false) }
    }

    /// Shutdown deadline reached: close whatever state the connection is in.
    func forceClose() {
        if request != nil { abortRecord("closed at the shutdown deadline") }
        close()
    }
}

@available(*, unavailable)
extension ClientConnectionHandler: Sendable {}
