import NIOCore

/// The bounds of the admin listener, which shares the process with the data plane.
public struct AdminLimits: Sendable, Hashable {
    /// Largest request body (a `/v1/seal` request); beyond it 413. Default 64 KiB.
    public var maxBodyBytes: Int
    /// Connections open at once; more are closed as soon as they are accepted. Default 128.
    public var maxConnections: Int
    /// Longest wait for a complete request, from the connection's start or the previous response
    /// (a slow head or body, an idle keep-alive connection): then the connection is closed.
    /// Default 10 s.
    public var requestTimeout: TimeAmount
    /// Longest time a response may go without leaving or making progress (the write buffer
    /// draining below its low-water mark): a client that stops reading is disconnected. Default 60 s.
    public var responseTimeout: TimeAmount
    /// Response bytes waiting for the client past which a pipelined request is held until they
    /// drained (unread responses cannot pile up; one large response is unaffected). Default 256 KiB.
    public var maxPendingResponseBytes: Int

    public init(
        maxBodyBytes: Int = 64 * 1024, maxConnections: Int = 128, requestTimeout: TimeAmount = .seconds(10),
        responseTimeout: TimeAmount = .seconds(60), maxPendingResponseBytes: Int = 256 * 1024
    ) {
        self.maxBodyBytes = maxBodyBytes
        self.maxConnections = maxConnections
        self.requestTimeout = requestTimeout
        self.responseTimeout = responseTimeout
        self.maxPendingResponseBytes = maxPendingResponseBytes
    }
}
