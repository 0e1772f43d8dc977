import ActionGateCore

/// A request to the admin listener, as an `AdminRoute` handler sees it.
public struct AdminRequest: Sendable {
    /// The method as sent (`GET`, `POST`).
    public var method: String
    /// The path without the query.
    public var path: String
    /// The query string after `?`, if any.
    public var query: String?
    /// The request headers as received.
    public var headers: HeaderFields
    /// The body, at most `AdminListener.maxBodyBytes` bytes (larger requests get 413 first).
    public var body: [UInt8]
    /// The TCP peer's address.
    public var peerAddress: String

    /// Creates a request.
    public init(method: String, path: String, query: String?, headers: HeaderFields, body: [UInt8], peerAddress: String)
    {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.peerAddress = peerAddress
    }
}
