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
            close()
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

    func close() {
        machine.closed()
        guard !isClosing else { return }
        isClosing = true
        context?.close(promise: nil)
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
