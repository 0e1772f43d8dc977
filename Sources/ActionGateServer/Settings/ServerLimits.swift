/// Framing and resource limits of the client listener (DESIGN.md step 1 and "Budgets").
///
/// These are read once at start; a reload does not change them (a restart does).
public struct ServerLimits: Sendable, Hashable {
    /// Largest request head (request line and header fields) in bytes; beyond it the client gets
    /// 431 `headers_too_large`. Default 16 KiB.
    public var maxHeaderBytes: Int
    /// Most header fields in one request head; beyond it 431 `headers_too_large`. Default 100.
    public var maxHeaderCount: Int
    /// Time a connection may take to send a complete request head, from its first byte (or from
    /// accept, for a new connection). Beyond it: 408 `request_timeout` and close. Default 10 s.
    /// (A partial head that arrived in the very read that carried the previous request, and is
    /// never continued, is held to `idleTimeout` instead, and closed silently: the decoder does not
    /// report bytes it buffers.)
    public var headerTimeout: Duration
    /// Time a request body may take to arrive completely. Beyond it: 408 `request_timeout` and
    /// close. Default 30 s.
    public var bodyTimeout: Duration
    /// Time a keep-alive connection may stay idle between requests before it is closed silently.
    /// Default 60 s.
    public var idleTimeout: Duration
    /// Most client connections open at once across all EventLoops. A connection beyond it gets
    /// `503 overloaded` (with `Connection: close`) without its request being read, and is closed.
    /// Default 10 000.
    public var maxConnections: Int
    /// Most request-body bytes buffered for the Gate at once across all connections. A request
    /// whose body would cross it gets 503 `overloaded`. Default 256 MiB.
    public var maxBufferedBodyBytes: Int

    /// Creates limits; every parameter defaults to the documented value.
    public init(
        maxHeaderBytes: Int = 16 * 1024,
        maxHeaderCount: Int = 100,
        headerTimeout: Duration = .seconds(10),
        bodyTimeout: Duration = .seconds(30),
        idleTimeout: Duration = .seconds(60),
        maxConnections: Int = 10_000,
        maxBufferedBodyBytes: Int = 256 * 1024 * 1024
    ) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
        self.maxBufferedBodyBytes = maxBufferedBodyBytes
    }
}
