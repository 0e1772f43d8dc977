/// `limits:` — sizes, timeouts and caps that bound what one client can cost the gateway.
public struct LimitsConfiguration: Sendable, Equatable {
    /// `max_body`, default 1MiB: the body limit of actions and routes that set none.
    public let maxBody: ByteSize
    /// `max_header_bytes`, default 16KiB: request line plus headers (431 `headers_too_large` beyond).
    public let maxHeaderBytes: ByteSize
    /// `header_timeout`, default 10s: time to receive the whole request head.
    public let headerTimeout: ConfigDuration
    /// `body_timeout`, default 30s: time to receive a body the gateway reads (408 beyond).
    public let bodyTimeout: ConfigDuration
    /// `idle_timeout`, default 60s: an idle keep-alive connection is closed after this.
    public let idleTimeout: ConfigDuration
    /// `max_connections`, default 10000: client connections beyond this are refused.
    public let maxConnections: Int
    /// `max_buffered_body_bytes`, default 64MiB: bodies buffered at once across all connections
    /// (503 `overloaded` beyond), so many slow bodies cannot exhaust memory.
    public let maxBufferedBodyBytes: ByteSize

    /// The largest `max_buffered_body_bytes`, 1GiB: a body read whole lives in one SwiftNIO buffer,
    /// whose capacity ends (with a trap) at 4 GiB.
    public static let maximumBufferedBodyBytes = 1 << 30

    /// The limits; the defaults are DESIGN.md's.
    public init(
        maxBody: ByteSize = ByteSize(bytes: 1 << 20),
        maxHeaderBytes: ByteSize = ByteSize(bytes: 16 << 10),
        headerTimeout: ConfigDuration = .seconds(10),
        bodyTimeout: ConfigDuration = .seconds(30),
        idleTimeout: ConfigDuration = .seconds(60),
        maxConnections: Int = 10_000,
        maxBufferedBodyBytes: ByteSize = ByteSize(bytes: 64 << 20)
    ) {
        self.maxBody = maxBody
        self.maxHeaderBytes = maxHeaderBytes
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
        self.maxBufferedBodyBytes = maxBufferedBodyBytes
    }
}
