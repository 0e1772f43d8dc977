import ActionGateCore

/// What happened to one request, for the audit log and metrics.
public struct RequestRecord: Sendable, Equatable {
    /// How the request ended.
    public enum Outcome: Sendable, Equatable {
        /// Forwarded; the client got the upstream's response with this status.
        case forwarded(status: Int)
        /// Refused by the Gate or by the data plane (framing, limits, upstream failures).
        case rejected(Rejection)
        /// The exchange broke after the response started (upstream or client went away, or a relay
        /// stalled); the client connection was closed. The detail is for the log only.
        case aborted(detail: String)
    }

    /// The gateway-assigned request id (also in rejection bodies and `X-ActionGate-Request-Id`).
    public var requestID: String
    /// The TCP peer's address.
    public var peer: String
    /// The method as sent; empty when the head could not be parsed.
    public var method: String
    /// The raw request-target as sent (path and query); empty when the head could not be parsed.
    public var target: String
    /// The target sent upstream (the normalised path plus the query) when the Gate forwarded it.
    public var forwardedTarget: String?
    /// How the request ended.
    public var outcome: Outcome
    /// The status the client saw; 0 when the connection closed before a status was sent.
    public var status: Int
    /// The Gate's audit facts for forwarded requests.
    public var audit: AuditFacts?
    /// What the Gate did with the upstream's `X-ActionGate-Session` header, if anything.
    public var sessionEvent: ResponseRewrite.SessionEvent?
    /// The upstream name for forwarded requests.
    public var upstream: String?
    /// Time from handing the request to the upstream pool until the response head arrived.
    public var upstreamLatency: Duration?
    /// Time from the complete request head until the response ended.
    public var totalLatency: Duration
    /// Request body bytes received from the client.
    public var bytesIn: Int
    /// Response body bytes sent to the client (excluding the head and chunk framing).
    public var bytesOut: Int

    /// Creates a record.
    public init(
        requestID: String,
        peer: String,
        method: String,
        target: String,
        forwardedTarget: String? = nil,
        outcome: Outcome,
        status: Int,
        audit: AuditFacts? = nil,
        sessionEvent: ResponseRewrite.SessionEvent? = nil,
        upstream: String? = nil,
        upstreamLatency: Duration? = nil,
        totalLatency: Duration,
        bytesIn: Int,
        bytesOut: Int
    ) {
        self.requestID = requestID
        self.peer = peer
        self.method = method
        self.target = target
        self.forwardedTarget = forwardedTarget
        self.outcome = outcome
        self.status = status
        self.audit = audit
        self.sessionEvent = sessionEvent
        self.upstream = upstream
        self.upstreamLatency = upstreamLatency
        self.totalLatency = totalLatency
        self.bytesIn = bytesIn
        self.bytesOut = bytesOut
    }
}
