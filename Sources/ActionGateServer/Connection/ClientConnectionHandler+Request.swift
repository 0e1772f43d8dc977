import ActionGateCore
import NIOCore

extension ClientConnectionHandler {
    /// A complete head (its framing checked by the decoder), then the Gate's head verdict.
    func receivedHead(_ head: DecodedRequestHead) {
        let id = loop.requestIDs.next()
        let isHEAD = head.method == "HEAD"
        let framing: RequestFraming
        switch head.framing {
        case .failure(let violation):
            request = InFlightRequest(
                id: id, method: head.method, target: head.target, isHEAD: isHEAD,
                framing: nil, startedAt: .now(), snapshot: nil
            )
            machine.headReceived(keepAlive: false, asksUpgrade: false)
            machine.bodyMode(.ignore)
            failRequest(violation.rejection())
            return
        case .success(let checked):
            framing = checked
        }
        let snapshot = loop.current
        request = InFlightRequest(
            id: id, method: head.method, target: head.target, isHEAD: isHEAD,
            framing: framing, startedAt: .now(), snapshot: snapshot
        )
        machine.headReceived(keepAlive: framing.keepAlive, asksUpgrade: framing.asksUpgrade)
        if framing.body != .none {
            bodyDeadline = .now() + .nanoseconds(loop.limits.bodyTimeout.nanosecondsClamped)
        }
        updateDeadline()
        let requestHead = RequestHead(
            method: head.method,
            target: head.target,
            headers: head.fields,
            peerAddress: peer,
            contentLength: request?.declaredLength,
            hasBody: framing.body != .none,
            requestID: id
        )
        switch snapshot.snapshot.gate.evaluateHead(requestHead, now: unixNow(), sessionCache: snapshot.sessions) {
        case .reject(let rejection):
            if framing.body == .none {
                machine.bodyMode(.none)
                respond(rejection)
            } else {
                request?.pendingRejection = rejection
                machine.bodyMode(.discard)
            }
        case .needBody(let pending):
            if let length = request?.declaredLength, length > pending.limit {
                failRequest(Rejection(.bodyTooLarge, detail: "declared \(length) bytes, limit \(pending.limit)"))
                return
            }
            request?.pending = pending
            request?.head = requestHead
            collector = BodyCollector(
                limit: pending.limit, expectedLength: request?.declaredLength, counters: loop.counters)
            machine.bodyMode(framing.body == .none ? .none : .collect)
            sendContinueIfExpected()
        case .forward(let plan):
            forwardAfterHead(plan, framing: framing)
        }
    }

    private func forwardAfterHead(_ plan: ForwardPlan, framing: RequestFraming) {
        var plan = plan
        if case .stream(let limit) = plan.body {
            if framing.body == .none {
                plan.body = .none
            } else {
                if let length = request?.declaredLength, length > limit {
                    failRequest(Rejection(.bodyTooLarge, detail: "declared \(length) bytes, limit \(limit)"))
                    return
                }
                request?.streamLimit = limit
                machine.bodyMode(.stream)
                sendContinueIfExpected()
                dispatch(plan)
                return
            }
        }
        // The plan does not use the client's body: it is dropped, and the connection closes after
        // the response so the unread bytes can never be taken for the next request.
        machine.bodyMode(framing.body == .none ? .none : .ignore)
        dispatch(plan)
    }

    func receivedBody(_ part: ByteBuffer) {
        request?.bytesIn &+= part.readableBytes
        guard case .inFlight(let mode, _, let response) = machine.phase else { return }
        switch mode {
        case .collect:
            switch collector?.append(part) {
            case .tooLarge?:
                let limit = collector?.limit ?? 0
                failRequest(Rejection(.bodyTooLarge, detail: "body crossed the limit of \(limit) bytes"))
            case .overloaded?:
                failRequest(Rejection(.overloaded, detail: "global buffered-body cap reached"))
            case nil:
                break
            }
        case .stream:
            let limit = request?.streamLimit ?? 0
            guard (request?.bytesIn ?? 0) <= limit else {
                if response == .relaying {
                    abort("streamed body crossed the limit of \(limit) bytes after the response started")
                } else {
                    failRequest(Rejection(.bodyTooLarge, detail: "streamed body crossed the limit of \(limit) bytes"))
                }
                return
            }
            if let upstream, backlog.isEmpty {
                upstream.writeBody(part)
            } else {
                backlog.append(part)
            }
        case .none, .discard, .ignore:
            break
        }
    }

    func receivedEnd() {
        guard case .inFlight(let mode, _, _) = machine.phase else { return }
        bodyDeadline = .distantFuture
        updateDeadline()
        if collector != nil, mode == .collect || mode == .none {
            decideWithBody()
            return
        }
        switch mode {
        case .collect:
            break
        case .stream:
            if let upstream, backlog.isEmpty {
                upstream.endRequest()
            } else {
                request?.endPending = true
            }
            after(machine.requestEnded())
        case .discard:
            finishDiscard(bodyEnded: true)
        case .none, .ignore:
            after(machine.requestEnded())
        }
    }

    /// The collected body is complete: the Gate's body verdict.
    private func decideWithBody() {
        guard let request, var pending = request.pending, var snapshot = request.snapshot, var body = collector
        else { return }
        let bytes = body.take()
        collector = body
        _ = machine.requestEnded()
        let now = unixNow()
        if loop.current !== snapshot, let head = request.head {
            // A reload came while the body did: decide under the snapshot in force now, so that a key
            // retired (after a leak), a policy tightened or an action removed meanwhile applies to this
            // request too — not only to those that start after it.
            snapshot = loop.current
            request.snapshot = snapshot
            switch snapshot.snapshot.gate.evaluateHead(head, now: now, sessionCache: snapshot.sessions) {
            case .reject(let rejection):
                respond(rejection)
                return
            case .forward(var plan):
                if case .stream = plan.body { plan.body = .buffered(bytes) }
                dispatch(plan)
                return
            case .needBody(let again):
                guard bytes.count <= again.limit else {
                    respond(Rejection(.bodyTooLarge, detail: "\(bytes.count) bytes, limit \(again.limit)"))
                    return
                }
                pending = again
            }
        }
        switch snapshot.snapshot.gate.evaluateBody(pending, body: bytes, now: now, sessionCache: snapshot.sessions) {
        case .reject(let rejection):
            respond(rejection)
        case .forward(var plan):
            if case .stream = plan.body { plan.body = .buffered(bytes) }
            dispatch(plan)
        }
    }

    /// Sends the rejection that waited for the rest of a refused body.
    func finishDiscard(bodyEnded: Bool) {
        guard let rejection = request?.pendingRejection else { return }
        request?.pendingRejection = nil
        if bodyEnded {
            bodyDeadline = .distantFuture
            _ = machine.requestEnded()
        } else {
            machine.mustClose()
        }
        respond(rejection)
    }

    /// Refuses the current request and closes the connection after the response (the request's
    /// remaining bytes, if any, are never read).
    func failRequest(_ rejection: Rejection) {
        machine.mustClose()
        if machine.isReceivingBody { machine.bodyMode(.ignore) }
        abandonUpstream()
        switch machine.phase {
        case .inFlight(_, _, .relaying):
            abort(rejection.detail ?? rejection.reason.rawValue)
        case .inFlight(_, _, .complete), .closed:
            close()
        default:
            respond(rejection)
        }
    }

    /// Refuses a connection whose next head is broken, too large or too slow: 400/431/408, close.
    func refuseBeforeHead(_ violation: FramingViolation?, detail: String) {
        if request == nil {
            request = InFlightRequest(
                id: loop.requestIDs.next(), method: "", target: "", isHEAD: false,
                framing: nil, startedAt: .now(), snapshot: nil
            )
            machine.headReceived(keepAlive: false, asksUpgrade: false)
            machine.bodyMode(.ignore)
        }
        let rejection = violation?.rejection(detail: detail) ?? Rejection(.requestTimeout, detail: detail)
        failRequest(rejection)
    }

    private func sendContinueIfExpected() {
        guard request?.framing?.expectsContinue == true, let context else { return }
        context.writeAndFlush(wrapOutboundOut(RejectionResponse.continueBytes), promise: nil)
    }

    func unixNow() -> Int64 {
        Int64(time(nil))
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
