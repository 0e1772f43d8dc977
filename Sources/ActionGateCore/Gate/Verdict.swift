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
/// fields live in one copy-on-write box (as `ForwardPlan`'s do): the data plane holds it while the
/// body arrives, and a copy is one reference count instead of one per field of the head.
public struct PendingRequest: Sendable, Equatable {
    /// The fields. Never mutated while shared: every setter first makes the box unique.
    private final class Storage: @unchecked Sendable {
        var limit: Int
        var head: RequestHead
        var state: PendingState

        init(limit: Int, head: RequestHead, state: PendingState) {
            self.limit = limit
            self.head = head
            self.state = state
        }
    }

    private var storage: Storage

    /// Maximum body bytes to read; a body beyond this is refused with 413 `body_too_large`.
    public var limit: Int {
        get { storage.limit }
        set { unique().limit = newValue }
    }
    /// The head, as received.
    public var head: RequestHead {
        get { storage.head }
        set { unique().head = newValue }
    }
    /// Decisions made so far, for the Gate to resume from (route, candidate action, origin result).
    public var state: PendingState {
        get { storage.state }
        set { unique().state = newValue }
    }

    public init(limit: Int, head: RequestHead, state: PendingState) {
        storage = Storage(limit: limit, head: head, state: state)
    }

    /// The box, unshared: copied first when another pending request holds it too.
    private mutating func unique() -> Storage {
        if !isKnownUniquelyReferenced(&storage) {
            storage = Storage(limit: storage.limit, head: storage.head, state: storage.state)
        }
        return storage
    }

    /// Equal when every field is.
    public static func == (lhs: PendingRequest, rhs: PendingRequest) -> Bool {
        lhs.storage === rhs.storage || (lhs.limit == rhs.limit && lhs.head == rhs.head && lhs.state == rhs.state)
    }
}
