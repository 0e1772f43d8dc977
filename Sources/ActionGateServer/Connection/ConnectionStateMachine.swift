/// The protocol state of one client connection, as a value: which request phase it is in, whether
/// it may read, and what happens when a request, a response or a deadline ends.
///
/// It holds no data and performs no I/O: `ClientConnectionHandler` feeds it events and performs the
/// action each returns (the async-http-client `HTTP1ConnectionStateMachine` pattern). One request is
/// in flight at a time; pipelined requests wait in the handler's queue, unread, until it is done.
struct ConnectionStateMachine {
    /// What happens to the request body after the head verdict.
    enum BodyMode: Equatable {
        /// The request has no body; its end is already on its way from the decoder.
        case none
        /// Buffered for the Gate (`needBody`).
        case collect
        /// Relayed to the upstream as it arrives (`stream`).
        case stream
        /// Refused before the body: the rejection waits to see whether the body ends in what was
        /// already read (keep-alive) or not (close).
        case discard
        /// The verdict does not use the body: it is dropped and the connection closes after the response.
        case ignore
    }

    enum Response: Equatable {
        /// Deciding: waiting for the body or the Gate.
        case deciding
        /// Waiting for an upstream connection or response head.
        case upstream
        /// The response head went out; its body is being relayed.
        case relaying
        /// Everything was written.
        case complete
    }

    enum Phase: Equatable {
        /// Between requests. `started` once a byte of the next head arrived.
        case awaitingHead(started: Bool)
        case inFlight(body: BodyMode, bodyComplete: Bool, response: Response)
        case closed
    }

    /// What the handler does once a request or response ended.
    enum AfterExchange: Equatable {
        /// Keep going: the exchange is not over yet.
        case wait
        /// The exchange is over: read the next request.
        case nextRequest
        case close
    }

    /// What the handler does when the connection's deadline passes.
    enum TimeoutAction: Equatable {
        /// Close without a response (idle keep-alive, or a new connection that sent nothing).
        case closeSilently
        /// 408 `request_timeout`, then close.
        case requestTimeout
        /// The upstream deadline (the handler knows which: pool wait or response head).
        case upstreamDeadline
        /// A relay stalled after the head went out: close.
        case abort
    }

    private(set) var phase: Phase = .awaitingHead(started: false)
    /// Set by anything that forbids keep-alive for the current request.
    private(set) var closeAfterResponse = false
    private var inputClosed = false
    private var quiescing = false

    /// True when the response being written now will be followed by a close: keep-alive is
    /// forbidden, or the request's body is still unread (only a body-less request's end is certain
    /// to follow).
    var closesAfterResponse: Bool {
        if closeAfterResponse { return true }
        if case .inFlight(let body, bodyComplete: false, _) = phase, body != .none { return true }
        return false
    }

    /// Raw bytes are arriving; true when they start a new head (start the header timer).
    mutating func bytesArrived() -> Bool {
        guard case .awaitingHead(started: false) = phase else { return false }
        phase = .awaitingHead(started: true)
        return true
    }

    /// True when a head can be processed now (no request in flight).
    var acceptsHead: Bool {
        if case .awaitingHead = phase { return true }
        return false
    }

    /// True once the client half-closed (it can send nothing more).
    var isInputClosed: Bool { inputClosed }

    /// True while the current request's body is still arriving.
    var isReceivingBody: Bool {
        if case .inFlight(_, bodyComplete: false, _) = phase { return true }
        return false
    }

    /// A complete head arrived and passed the framing checks.
    mutating func headReceived(keepAlive: Bool, asksUpgrade: Bool) {
        phase = .inFlight(body: .none, bodyComplete: false, response: .deciding)
        closeAfterResponse = !keepAlive || asksUpgrade || inputClosed || quiescing
    }

    /// The head verdict chose what happens to the body.
    mutating func bodyMode(_ mode: BodyMode) {
        guard case .inFlight(_, let complete, let response) = phase else { return }
        phase = .inFlight(body: mode, bodyComplete: complete, response: response)
        if mode == .ignore { closeAfterResponse = true }
    }

    mutating func responseProgress(_ progress: Response) {
        guard case .inFlight(let body, let complete, _) = phase else { return }
        phase = .inFlight(body: body, bodyComplete: complete, response: progress)
    }

    /// Forbids keep-alive for the current request (e.g. an HTTP/1.0 body delimited by close).
    mutating func mustClose() {
        closeAfterResponse = true
    }

    /// The request's end arrived.
    mutating func requestEnded() -> AfterExchange {
        guard case .inFlight(let body, _, let response) = phase else { return .wait }
        phase = .inFlight(body: body, bodyComplete: true, response: response)
        return response == .complete ? finish() : .wait
    }

    /// The response was written completely.
    mutating func responseEnded() -> AfterExchange {
        guard case .inFlight(let body, let bodyComplete, _) = phase else { return .wait }
        phase = .inFlight(body: body, bodyComplete: bodyComplete, response: .complete)
        if bodyComplete { return finish() }
        // A body-less request's end is already in the decoder's output; anything else would leave
        // unread bytes in front of the next request.
        if body == .none { return .wait }
        return close()
    }

    /// The client closed its sending side (half-close). Its in-flight request still gets an answer.
    mutating func inputEnded() -> AfterExchange {
        inputClosed = true
        closeAfterResponse = true
        if case .awaitingHead = phase { return close() }
        return .wait
    }

    /// Graceful shutdown: close when idle, otherwise after the current response.
    mutating func quiesce() -> AfterExchange {
        quiescing = true
        closeAfterResponse = true
        if case .awaitingHead(started: false) = phase { return close() }
        return .wait
    }

    mutating func closed() {
        phase = .closed
    }

    /// True when the handler should pass a `read` to the socket.
    ///
    /// - Parameter streamReady: an upstream is attached for a streamed body and can take more.
    func wantsRead(streamReady: Bool) -> Bool {
        switch phase {
        case .awaitingHead:
            return !inputClosed
        case .inFlight(let body, let bodyComplete, let response):
            // Once the request is complete the socket stays readable: a keep-alive client sends
            // nothing until it has its response, and toggling read interest would cost two
            // `epoll_ctl` calls per request. A pipelined head is queued, and the handler stops
            // reading as soon as anything is queued, so read-ahead is bounded by one read.
            if bodyComplete { return !inputClosed && body != .ignore }
            guard response != .complete else { return false }
            switch body {
            case .collect: return true
            case .stream: return streamReady
            case .none, .discard, .ignore: return false
            }
        case .closed:
            return false
        }
    }

    /// What an overdue deadline means in the current phase; `nil` when nothing is overdue.
    ///
    /// - Parameters:
    ///   - bodyOverdue: the request body did not arrive within the body timeout.
    ///   - upstreamOverdue: no connection / response head within the upstream's request timeout,
    ///     or a relay made no progress for that long.
    func timeoutAction(headOverdue: Bool, bodyOverdue: Bool, upstreamOverdue: Bool) -> TimeoutAction? {
        switch phase {
        case .awaitingHead(let started):
            guard headOverdue else { return nil }
            return started ? .requestTimeout : .closeSilently
        case .inFlight(_, let bodyComplete, let response):
            let bodyLate = bodyOverdue && !bodyComplete
            switch response {
            case .relaying, .complete:
                return bodyLate || upstreamOverdue ? .abort : nil
            case .deciding, .upstream:
                if bodyLate { return .requestTimeout }
                return upstreamOverdue && response == .upstream ? .upstreamDeadline : nil
            }
        case .closed:
            return nil
        }
    }

    private mutating func finish() -> AfterExchange {
        if closeAfterResponse { return close() }
        phase = .awaitingHead(started: false)
        return .nextRequest
    }

    private mutating func close() -> AfterExchange {
        phase = .closed
        return .close
    }
}
