/// The Gate's final word on a request: forward it as planned, or refuse it.
public enum Verdict: Sendable, Equatable {
    case forward(ForwardPlan)
    case reject(Rejection)
}

/// The Gate's word after the request head: decided already, or it needs the body first.
public enum HeadVerdict: Sendable, Equatable {
    case forward(ForwardPlan)
    case reject(Rejection)
    /// Read at most `limit` body bytes (413 `body_too_large` beyond), then call `Gate.evaluateBody`
    /// with this pending request.
    case needBody(PendingRequest)
}

/// A request whose head passed the head checks and whose body the Gate must see before deciding.
///
/// Opaque state the data plane hands back to `Gate.evaluateBody` together with the body bytes.
public struct PendingRequest: Sendable, Equatable {
    /// Maximum body bytes to read; a body beyond this is refused with 413 `body_too_large`.
    public var limit: Int
    /// The head, as received.
    public var head: RequestHead
    /// Decisions made so far, for the Gate to resume from (route, candidate action, origin result).
    public var state: PendingState

    public init(limit: Int, head: RequestHead, state: PendingState) {
        self.limit = limit
        self.head = head
        self.state = state
    }
}
