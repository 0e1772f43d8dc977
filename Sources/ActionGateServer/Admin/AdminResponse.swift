import ActionGateCore

/// What an `AdminRoute` handler answers. The listener adds `Content-Length`.
public struct AdminResponse: Sendable, Equatable {
    /// The HTTP status.
    public var status: Int
    /// Response headers; framing and connection fields are set by the listener.
    public var headers: HeaderFields
    /// The body bytes.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, headers: HeaderFields = HeaderFields(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON response (`Content-Type: application/json`, `Cache-Control: no-store`); `json` must
    /// already be serialised.
    public static func json(status: Int, _ json: String) -> AdminResponse {
        AdminResponse(
            status: status,
            headers: HeaderFields([("content-type", "application/json"), ("cache-control", "no-store")]),
            body: Array(json.utf8)
        )
    }

    /// A plain-text response (e.g. Prometheus exposition with `contentType` set accordingly).
    public static func text(status: Int, _ text: String, contentType: String = "text/plain; charset=utf-8")
        -> AdminResponse
    {
        AdminResponse(status: status, headers: HeaderFields([("content-type", contentType)]), body: Array(text.utf8))
    }
}
