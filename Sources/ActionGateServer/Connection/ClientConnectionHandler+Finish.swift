import ActionGateCore
import NIOCore

extension ClientConnectionHandler {
    /// Writes a rejection for the current request and moves the exchange on.
    func respond(_ rejection: Rejection) {
        guard let context, let request else { return }
        leaveUpstreamQueue()
        upstreamDeadline = .distantFuture
        updateDeadline()
        request.status = rejection.status
        request.outcome = .rejected(rejection)
        var buffer = context.channel.allocator.buffer(capacity: 256)
        RejectionResponse.write(
            rejection, requestID: request.id, isHEAD: request.isHEAD, close: machine.closesAfterResponse,
            keepAliveForHTTP10: request.http10KeepAlive, into: &buffer
        )
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        after(machine.responseEnded())
    }

    /// Performs what the state machine said after a request or response ended.
    func after(_ next: ConnectionStateMachine.AfterExchange) {
        switch next {
        case .wait:
            resumeReadingIfWanted()
        case .close:
            finishRecord()
            close(lingering: true)
        case .nextRequest:
            finishRecord()
            bodyDeadline = .distantFuture
            upstreamDeadline = .distantFuture
            headDeadline = .now() + .nanoseconds(loop.limits.idleTimeout.nanosecondsClamped)
            updateDeadline()
            drainQueueAndRead()
        }
    }

    /// The response cannot be completed (it already started, or the relay broke): close.
    func abort(_ detail: String) {
        abortRecord(detail)
        abandonUpstream()
        close()
    }

    func abortRecord(_ detail: String) {
        if case .rejected? = request?.outcome, machine.phase != .closed {
            // A rejection was written; the record stands as it is.
        } else {
            request?.outcome = .aborted(detail: detail)
        }
        finishRecord()
    }

    /// Sends the audit record of the current request and frees what it held.
    func finishRecord() {
        if var collector {
            collector.release()
            self.collector = nil
        }
        // `CircularBuffer.removeAll()` frees its storage and allocates a new one even when empty,
        // a malloc and a free on every request: only when something is queued, or when the queue
        // grew (one-byte chunks queue one part each; `popFirst` never shrinks it), so an idle
        // keep-alive connection does not keep a large queue.
        if !backlog.isEmpty || backlog.capacity > 16 { backlog.removeAll() }
        guard let request else { return }
        self.request = nil
        let record = RequestRecord(
            requestID: request.id,
            peer: peer,
            method: request.method,
            target: request.target,
            forwardedTarget: request.plan?.target,
            outcome: request.outcome ?? .aborted(detail: "connection closed before a response"),
            status: request.status,
            audit: request.plan?.audit,
            sessionEvent: request.sessionEvent,
            upstream: request.plan?.upstream,
            upstreamLatency: request.upstreamLatency,
            totalLatency: .nanoseconds((NIODeadline.now() - request.startedAt).nanoseconds),
            bytesIn: request.bytesIn,
            bytesOut: request.bytesOut
        )
        loop.audit.record(record)
    }

    /// Closes the connection.
    ///
    /// - Parameters:
    ///   - lingering: a response was just written completely; it must reach the client
    ///   whole, and the client must be able to read it. So the gateway first waits until the last
    ///   byte has left its buffers (a slow reader may still have part of it there, which a close
    ///   would drop), at most `idle_timeout`. Then, unless the client already half-closed, it closes
    ///   only its sending side (the client reads a clean end of the response) and keeps reading —
    ///   and discarding — what the client still sends, until the client closes too or `lingerTime`
    ///   passes, as nginx's lingering close does: closing with unread bytes in the socket makes the
    ///   kernel send a reset, which can destroy the response before the client reads it (a browser
    ///   still uploading a refused body would show "connection reset" instead of the 413).
    ///   - drainInput: with `lingering`, whether to half-close and drain once the response left;
    ///     false closes as soon as it left (graceful shutdown of an idle keep-alive connection,
    ///     which has no unread request bytes).
    func close(lingering: Bool = false, drainInput: Bool = true) {
        machine.closed()
        if linger != nil {
            // The client closed, an error, a deadline, or shutdown: the lingering ends.
            linger = nil
            context?.close(promise: nil)
            return
        }
        guard !isClosing else { return }
        isClosing = true
        guard let context else { return }
        guard lingering, context.channel.isActive else {
            context.close(promise: nil)
            return
        }
        linger = .flushing(drainInput: drainInput)
        headDeadline = .now() + .nanoseconds(loop.limits.idleTimeout.nanosecondsClamped)
        bodyDeadline = .distantFuture
        upstreamDeadline = .distantFuture
        updateDeadline()
        // Writes complete in order: this one completes once everything before it was written.
        let flushed = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0)), promise: flushed)
        flushed.futureResult.assumeIsolated().whenComplete { [self] result in
            if case .success = result {
                responseFlushed()
            } else {
                close()
            }
        }
        if !machine.isInputClosed { context.read() }  // `channelRead` drops it: the phase is closed
    }

    /// The response has left the gateway: half-close and drain, or (client gone quiet) close.
    private func responseFlushed() {
        guard case .flushing(let drainInput)? = linger, let context else { return }
        guard drainInput, !machine.isInputClosed, context.channel.isActive else {
            close()
            return
        }
        linger = .draining
        context.close(mode: .output, promise: nil)
        headDeadline = .now() + .nanoseconds(Self.lingerTime.nanosecondsClamped)
        updateDeadline()
    }

    /// The longest a closing connection keeps reading what its client still sends (see `close`).
    static let lingerTime = Duration.seconds(2)

    /// The end of a connection the gateway closes after a response (see `close(lingering:)`).
    enum Linger {
        /// Waiting for the response's last bytes to leave the gateway's buffers; then draining the
        /// input, or (`drainInput` false) closing.
        case flushing(drainInput: Bool)
        /// Sending side closed; reading and discarding until the client closes.
        case draining
    }

    /// Runs once when the channel goes away: ends the request, returns resources, unregisters.
    func tearDown() {
        guard isCounted else { return }
        isCounted = false
        if request != nil {
            abortRecord("client connection closed")
        } else {
            finishRecord()
        }
        abandonUpstream()
        machine.closed()
        loop.unregister(self)
        loop.counters.connectionClosed()
    }
}
