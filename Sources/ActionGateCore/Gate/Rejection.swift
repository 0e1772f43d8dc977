/// A refused request: the status and reason the client sees, extra response headers, and a detail
/// for the audit log only (never sent to the client).
public struct Rejection: Error, Sendable, Equatable {
    public var reason: RejectionReason
    /// Extra response headers, e.g. `Allow: POST` or `x-nextjs-action-not-found: 1`.
    public var headers: HeaderFields
    /// Why, for the audit log (e.g. which token check failed). Never echoed to the client.
    public var detail: String?
    /// The action the request named, when known (audit log and metrics).
    public var action: String?
    /// The key that opened the request's valid session, when the refusal came after it (a policy
    /// denial, refused bound arguments): the key is still in use even though this request was
    /// refused, which `actiongate_tokens_opened_total` and the audit line's `key_ids` show.
    public var sessionKeyID: String?

    public var status: Int { reason.status }

    public init(
        _ reason: RejectionReason, headers: HeaderFields = HeaderFields(), detail: String? = nil, action: String? = nil,
        sessionKeyID: String? = nil
    ) {
        self.reason = reason
        self.headers = headers
        self.detail = detail
        self.action = action
        self.sessionKeyID = sessionKeyID
    }

    /// The JSON body of every rejection: `{"error":"<reason>","request_id":"<id>"}`.
    ///
    /// The request id is gateway-generated, so nothing untrusted is echoed.
    public static func body(reason: RejectionReason, requestID: String) -> String {
        "{\"error\":\"\(reason.rawValue)\",\"request_id\":\"\(requestID)\"}"
    }
}
