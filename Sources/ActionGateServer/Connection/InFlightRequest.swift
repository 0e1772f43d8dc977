import ActionGateCore
import NIOCore

/// The data of the one request a connection is serving (the state machine holds its phase).
///
/// A class: the handler updates it field by field on every read and write of the request, and a
/// struct this size would be copied out of and back into the handler's optional each time.
final class InFlightRequest {
    let id: String
    let method: String
    let target: String
    let isHEAD: Bool
    /// The validated framing; `nil` when the head failed the boundary checks.
    let framing: RequestFraming?
    let startedAt: NIODeadline
    /// The snapshot the request is decided and forwarded under: the one it started with, or — for a
    /// request whose body was still arriving when a reload came — the one in force once it arrived.
    var snapshot: LoopSnapshot?
    /// `needBody`: what the Gate needs back with the body.
    var pending: PendingRequest?
    /// `needBody`: the head, to decide again if the snapshot changes before the body is complete.
    var head: RequestHead?
    var plan: ForwardPlan?
    /// `discard`: the rejection that waits for the rest of the body.
    var pendingRejection: Rejection?
    /// `stream`: the most body bytes that may be relayed.
    var streamLimit = 0
    /// `stream`: the body ended before an upstream connection was attached.
    var endPending = false
    var bytesIn = 0
    var bytesOut = 0
    var status = 0
    var outcome: RequestRecord.Outcome?
    /// What the Gate did with the upstream's session header.
    var sessionEvent: ResponseRewrite.SessionEvent?
    /// The settings of the upstream the request was handed to.
    var upstreamSettings: UpstreamSettings?
    /// Its request timeout, in nanoseconds (read on every relayed read).
    var upstreamTimeout: Int64 = 0
    var upstreamStartedAt: NIODeadline?
    /// The exchange runs on a connection reused from the pool (a stale one may fail at once).
    var onReusedConnection = false
    /// The request was already re-sent once after a stale pooled connection failed.
    var retried = false
    var upstreamLatency: Duration?
    var responseFraming: ResponseBodyFraming = .none(advertisedLength: nil)

    init(
        id: String, method: String, target: String, isHEAD: Bool, framing: RequestFraming?, startedAt: NIODeadline,
        snapshot: LoopSnapshot?
    ) {
        self.id = id
        self.method = method
        self.target = target
        self.isHEAD = isHEAD
        self.framing = framing
        self.startedAt = startedAt
        self.snapshot = snapshot
    }

    /// True for HTTP/1.0 clients that asked for keep-alive (they need `Connection: keep-alive`).
    var http10KeepAlive: Bool {
        guard let framing else { return false }
        return framing.isHTTP10 && framing.keepAlive
    }

    /// The request's declared body length, if any.
    var declaredLength: Int? {
        if case .contentLength(let length) = framing?.body { return length }
        return nil
    }

    var hasBody: Bool {
        guard let framing else { return false }
        return framing.body != .none
    }
}

@available(*, unavailable)
extension InFlightRequest: Sendable {}
