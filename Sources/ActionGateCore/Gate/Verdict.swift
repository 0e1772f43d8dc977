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
/// Opaque state the data plane hands back to `Gate.evaluateBody` together with the body bytes. Its
/// fields live in one `CopyOnWrite` box (as `ForwardPlan`'s do): the data plane holds it while the
/// body arrives, and a copy is one reference count instead of one per field of the head.
public struct PendingRequest: Sendable, Equatable {
    /// The fields, in one copy-on-write box.
    private struct Fields: Sendable, Equatable {
        var limit: Int
        var head: RequestHead
        var state: PendingState
    }

    private var fields: CopyOnWrite<Fields>

    /// Maximum body bytes to read; a body beyond this is refused with 413 `body_too_large`.
    public var limit: Int {
        get { fields.value.limit }
        set { fields.value.limit = newValue }
    }
    /// The head, as received.
    public var head: RequestHead {
        get { fields.value.head }
        set { fields.value.head = newValue }
    }
    /// Decisions made so far, for the Gate to resume from (route, candidate action, origin result).
    public var state: PendingState {
        get { fields.value.state }
        set { fields.value.state = newValue }
    }

    public init(limit: Int, head: RequestHead, state: PendingState) {
        fields = CopyOnWrite(Fields(limit: limit, head: head, state: state))
    }
}
