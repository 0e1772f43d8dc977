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

    public var status: Int { reason.status }

    public init(_ reason: RejectionReason, headers: HeaderFields = HeaderFields(), detail: String? = nil, action: String? = nil) {
        self.reason = reason
        self.headers = headers
        self.detail = detail
        self.action = action
    }

    /// The JSON body of every rejection: `{"error":"<reason>","request_id":"<id>"}`.
    ///
    /// The request id is gateway-generated, so nothing untrusted is echoed.
    public static func body(reason: RejectionReason, requestID: String) -> String {
        "{\"error\":\"\(reason.rawValue)\",\"request_id\":\"\(requestID)\"}"
    }
}
