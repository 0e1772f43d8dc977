import ActionGateCore
import NIOCore

extension ClientConnectionHandler: UpstreamExchange {
    /// Hands the request to the upstream pool named by the plan, in the upstream table of the
    /// snapshot that decided it (a reload since then does not redirect it).
    func dispatch(_ plan: ForwardPlan) {
        request?.plan = plan
        let now = NIODeadline.now()
        request?.upstreamStartedAt = now
        machine.responseProgress(.upstream)
        guard UpstreamRequestHead.isSendable(method: plan.method, target: plan.target) else {
            respond(Rejection(.malformedRequest, detail: "the plan's method or target cannot be sent"))
            return
        }
        guard let pool = request?.snapshot?.pools[plan.upstream] else {
            upstreamFailed(.unknownUpstream)
            return
        }
        let timeout = pool.settings.requestTimeout.nanosecondsClamped
        request?.upstreamSettings = pool.settings
        request?.upstreamTimeout = timeout
        upstreamDeadline = now + .nanoseconds(timeout)
        updateDeadline()
        switch pool.lease(for: self) {
        case .ready(let connection):
            upstreamConnectionReady(connection)
        case .connecting:
            waitingPool = pool
            waitsForConnect = true
        case .waiting:
            waitingPool = pool
            waitsForConnect = false
        case .busy:
            upstreamFailed(.busy)
        }
    }

    func upstreamConnectionReady(_ connection: UpstreamConnection) {
        waitingPool = nil
        guard let plan = request?.plan, case .inFlight(_, _, .upstream) = machine.phase else {
            // The request was refused or the client left while the connection was on its way.
            connection.detach()
            connection.close()
            return
        }
        upstream = connection
        request?.onReusedConnection = connection.exchangeCount > 0
        guard let settings = request?.upstreamSettings else { return }
        let framing = UpstreamRequestHead.framing(
            for: plan.body, method: plan.method, streamLength: request?.declaredLength)
        // Head and a buffered body leave in one write, from one buffer sized for both.
        var body: [UInt8] = []
        if case .buffered(let bytes) = plan.body { body = bytes }
        var head = loop.upstreamRequestHeads.take(minimumCapacity: 0)
        UpstreamRequestHead.write(plan: plan, framing: framing, upstream: settings, into: &head, roomAfter: body.count)
        head.writeBytes(body)
        loop.upstreamRequestHeads.keep(head)
        connection.start(self, head: head, isHEAD: plan.method == "HEAD", chunked: framing == .chunked)
        switch plan.body {
        case .none, .buffered:
            connection.endRequest()
        case .stream:
            while let part = backlog.popFirst() {
                connection.writeBody(part)
            }
            if request?.endPending == true {
                connection.endRequest()
            } else {
                // Within a client read the body usually follows in the same read: channelReadComplete
                // flushes head and body in one write instead of two.
                if !isInClientRead { connection.flush() }
                resumeReadingIfWanted()
            }
        }
    }

    func upstreamFailed(_ failure: UpstreamFailure) {
        waitingPool = nil
        upstream = nil
        if failure == .closedBeforeResponse, let plan = request?.plan, isRetryable(plan) {
            // A pooled connection the upstream was closing as we reused it: try once more.
            request?.retried = true
            dispatch(plan)
            return
        }
        switch machine.phase {
        case .inFlight(_, _, .relaying) where unsentResponseHead != nil:
            // Nothing of the response reached the channel yet: answer as if the head had not come.
            unsentResponseHead = nil
            request?.sessionEvent = nil
            machine.responseProgress(.upstream)
            respond(failure.rejection)
        case .inFlight(_, _, .relaying):
            abort(failure.detail)
        case .inFlight(_, _, .upstream):
            respond(failure.rejection)
        default:
            break
        }
    }

    /// Retries only what cannot have been processed twice by accident: an idempotent method with a
    /// body the gateway still holds, after a reused connection closed without a response byte.
    private func isRetryable(_ plan: ForwardPlan) -> Bool {
        guard let request, request.onReusedConnection, !request.retried,
            case .inFlight(_, _, .upstream) = machine.phase
        else { return false }
        if case .stream = plan.body { return false }
        switch plan.method {
        case "GET", "HEAD", "OPTIONS", "PUT", "DELETE": return true
        default: return false
        }
    }

    func upstreamResponseHead(_ head: ResponseHead) {
        guard let request, let plan = request.plan, let snapshot = request.snapshot, context != nil else { return }
        let now = NIODeadline.now()
        if let started = request.upstreamStartedAt {
            request.upstreamLatency = .nanoseconds((now - started).nanoseconds)
        }
        let status = head.status
        let rewrite = snapshot.snapshot.gate.rewriteResponse(
            status: status, headers: head.fields, plan: plan, now: unixNow())
        let headers = rewrite.headers
        request.sessionEvent = rewrite.sessionEvent
        let framing = ResponseBodyFraming.forRelay(
            status: status,
            isHEAD: request.isHEAD,
            upstreamLength: head.contentLength,
            clientIsHTTP10: request.framing?.isHTTP10 ?? false
        )
        if framing.requiresClose { machine.mustClose() }
        request.status = status
        request.responseFraming = framing
        request.outcome = .forwarded(status: status)
        machine.responseProgress(.relaying)
        upstreamDeadline = now + .nanoseconds(requestTimeoutNanos)
        updateDeadline()
        var buffer = loop.clientResponseHeads.take(minimumCapacity: 512)
        ResponseHeadWriter.write(
            status: status, headers: headers, framing: framing, close: machine.closesAfterResponse,
            keepAliveForHTTP10: request.http10KeepAlive, into: &buffer
        )
        loop.clientResponseHeads.keep(buffer)
        unsentResponseHead = buffer
    }

    /// Hands the response head to the channel, once.
    @inline(__always)
    private func writeResponseHead(_ context: ChannelHandlerContext) {
        if let head = unsentResponseHead {
            unsentResponseHead = nil
            context.write(wrapOutboundOut(head), promise: nil)
        }
    }

    func upstreamResponseBody(_ part: ByteBuffer) {
        guard let context, let framing = request?.responseFraming, framing.carriesBody else { return }
        writeResponseHead(context)
        request?.bytesOut &+= part.readableBytes
        if framing == .chunked {
            guard part.readableBytes > 0 else { return }
            ChunkFraming.writeChunk(part, allocator: context.channel.allocator) {
                context.write(wrapOutboundOut($0), promise: nil)
            }
        } else {
            context.write(wrapOutboundOut(part), promise: nil)
        }
        if !context.channel.isWritable {
            upstream?.setReadsPaused(true)
        }
    }

    func upstreamReadComplete() {
        guard case .inFlight(_, _, .relaying) = machine.phase, let context else { return }
        writeResponseHead(context)
        context.flush()
        upstreamDeadline = .now() + .nanoseconds(requestTimeoutNanos)
        updateDeadline()
    }

    func upstreamResponseEnd() {
        guard let context, let connection = upstream else { return }
        writeResponseHead(context)
        if request?.responseFraming == .chunked {
            context.write(wrapOutboundOut(ChunkFraming.lastChunk), promise: nil)
        }
        context.flush()
        upstream = nil
        connection.returnToPool(reusable: connection.isReusable)
        upstreamDeadline = .distantFuture
        after(machine.responseEnded())
    }

    func upstreamWritabilityChanged(isWritable: Bool) {
        if isWritable { resumeReadingIfWanted() }
    }

    private var requestTimeoutNanos: Int64 {
        request?.upstreamTimeout ?? 0
    }

    /// The upstream deadline passed before a response head: 503 while queued behind busy
    /// connections (the pool is the bottleneck); 504 while the upstream had not yet accepted the
    /// connection opened for this request, or once the request was sent (the upstream is).
    func upstreamDeadlinePassed() {
        let wasQueued = waitingPool != nil && !waitsForConnect
        abandonUpstream()
        respond(wasQueued ? UpstreamFailure.busy.rejection : UpstreamFailure.timedOut.rejection)
    }

    /// Leaves the pool's queue, if the exchange waits in one (for a free or a new connection).
    func leaveUpstreamQueue() {
        if let waitingPool {
            waitingPool.cancel(self)
            self.waitingPool = nil
        }
    }

    /// Gives up the upstream side of the exchange: leaves the pool's queue, or closes the connection
    /// in use (a connection in the middle of an exchange is never returned to the pool).
    func abandonUpstream() {
        leaveUpstreamQueue()
        if let upstream {
            self.upstream = nil
            upstream.detach()
            upstream.close()
        }
    }
}
