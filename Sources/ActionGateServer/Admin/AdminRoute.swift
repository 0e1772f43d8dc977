/// One endpoint of the admin listener: an exact method and path, and its handler.
///
/// The CLI adds routes such as `GET /metrics` and `POST /v1/seal`; the listener itself serves
/// `GET /healthz` and `GET /readyz`. Handlers run as Swift tasks, off the EventLoops.
public struct AdminRoute: Sendable {
    /// The method, e.g. `GET` (exact match).
    public var method: String
    /// The path, e.g. `/metrics` (exact match; the query is not part of it).
    public var path: String
    /// Answers a matching request; runs as a task, so it may await.
    public var handler: @Sendable (AdminRequest) async -> AdminResponse

    /// Creates a route.
    public init(method: String, path: String, handler: @escaping @Sendable (AdminRequest) async -> AdminResponse) {
        self.method = method
        self.path = path
        self.handler = handler
    }
}
