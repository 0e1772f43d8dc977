/// The decision interface the data plane calls: the `Gate` implements it for one configuration
/// snapshot. Every method is synchronous, pure and safe to call from any thread.
public protocol RequestGate: Sendable {
    /// Decides on the request head alone (DESIGN.md steps 2–8), or asks for the body.
    ///
    /// - Parameters:
    ///   - now: Unix time in seconds, from the caller's clock.
    ///   - sessionCache: sessions this gate opened before on the caller's thread (`SessionCache`:
    ///     one per thread per gate), or `nil`; the verdict is the same either way.
    func evaluateHead(_ head: RequestHead, now: Int64, sessionCache: SessionCache?) -> HeadVerdict

    /// Decides once the body of a `needBody` request has been read (at most `pending.limit` bytes).
    func evaluateBody(_ pending: PendingRequest, body: [UInt8], now: Int64, sessionCache: SessionCache?) -> Verdict

    /// Rewrites the upstream's response head for the client: strips hop-by-hop and `X-ActionGate-*`
    /// headers after acting on them (session issuance), adds the gateway's cookies and
    /// `Cache-Control: no-store` where `plan.response` says so.
    func rewriteResponse(status: Int, headers: HeaderFields, plan: ForwardPlan, now: Int64) -> ResponseRewrite
}

extension RequestGate {
    /// `evaluateHead(_:now:sessionCache:)` without a session cache.
    public func evaluateHead(_ head: RequestHead, now: Int64) -> HeadVerdict {
        evaluateHead(head, now: now, sessionCache: nil)
    }

    /// `evaluateBody(_:body:now:sessionCache:)` without a session cache.
    public func evaluateBody(_ pending: PendingRequest, body: [UInt8], now: Int64) -> Verdict {
        evaluateBody(pending, body: body, now: now, sessionCache: nil)
    }
}
