import ActionGateCore
import NIOCore

extension ClientConnectionHandler {
    /// Writes a rejection for the current request and moves the exchange on.
    func respond(_ rejection: Rejection) {
        guard let context, var request else { return }
        if let waitingPool {
            waitingPool.cancel(self)
            self.waitingPool = nil
        }
        upstreamDeadline = .distantFuture
        updateDeadline()
        request.status = rejection.status
        request.outcome = .rejected(rejection)
        self.request = request
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
        if let upstream {
            self.upstream = nil
            upstream.detach()
            upstream.close()
        }
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
        backlog.removeAll()
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
            boundArgumentsOpened: request.plan.map {
                $0.audit.action != nil && $0.headers.contains(GatewayHeaders.boundArguments)
            } ?? false,
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
    /// - Parameter lingering: a response was just written completely. Unless the client already
    ///   half-closed, the gateway then closes only its sending side (the client reads the response
    ///   and a clean end of it) and keeps reading — and discarding — what the client still sends,
    ///   until the client closes too or `lingerTime` passes, as nginx's lingering close does.
    ///   Closing at once with unread bytes in the socket makes the kernel send a reset, which can
    ///   destroy the response before the client reads it: a browser still uploading a refused body
    ///   would show "connection reset" instead of the 413.
    func close(lingering: Bool = false) {
        machine.closed()
        if isLingering {
            // The client closed, an error, the linger time, or shutdown: the lingering ends.
            isLingering = false
            context?.close(promise: nil)
            return
        }
        guard !isClosing else { return }
        isClosing = true
        guard let context else { return }
        guard lingering, !machine.isInputClosed, context.channel.isActive else {
            context.close(promise: nil)
            return
        }
        isLingering = true
        context.close(mode: .output, promise: nil)  // after the response's pending writes
        headDeadline = .now() + .nanoseconds(Self.lingerTime.nanosecondsClamped)
        bodyDeadline = .distantFuture
        upstreamDeadline = .distantFuture
        updateDeadline()
        context.read()  // `HeadByteGuard` drops what arrives now: the phase is closed
    }

    /// The longest a closing connection keeps reading what its client still sends (see `close`).
    static let lingerTime = Duration.seconds(2)

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
