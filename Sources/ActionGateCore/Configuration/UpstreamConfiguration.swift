/// One entry of `upstreams:` — an action handler the gateway forwards to over plain HTTP/1.1.
///
/// Only `http://host[:port]` is supported: bind upstreams to loopback or a private network
/// (DESIGN.md "Headers"); HTTPS upstreams are not supported yet.
public struct UpstreamConfiguration: Sendable, Equatable {
    /// The upstream's name (its key under `upstreams:`), used by routes and `ForwardPlan.upstream`.
    public let name: String
    /// The host to connect to (DNS name or IP literal, IPv6 without brackets).
    public let host: String
    /// The TCP port (default 80).
    public let port: Int
    /// `max_connections`, default 128: the total across event loops; beyond it requests wait (bounded)
    /// and then get 503 `upstream_busy`.
    public let maxConnections: Int
    /// `connect_timeout`, default 2s.
    public let connectTimeout: ConfigDuration
    /// `timeout`, default 30s: the longest wait for the upstream's response head.
    public let timeout: ConfigDuration

    /// The default `max_connections`.
    public static let defaultMaxConnections = 128
    /// The default `connect_timeout`.
    public static let defaultConnectTimeout = ConfigDuration.seconds(2)
    /// The default `timeout`.
    public static let defaultTimeout = ConfigDuration.seconds(30)

    /// An upstream from its parts.
    public init(
        name: String,
        host: String,
        port: Int,
        maxConnections: Int = UpstreamConfiguration.defaultMaxConnections,
        connectTimeout: ConfigDuration = UpstreamConfiguration.defaultConnectTimeout,
        timeout: ConfigDuration = UpstreamConfiguration.defaultTimeout
    ) {
        self.name = name
        self.host = host
        self.port = port
        self.maxConnections = maxConnections
        self.connectTimeout = connectTimeout
        self.timeout = timeout
    }

    /// `http://host:port`.
    public var url: String {
        host.contains(":") ? "http://[\(host)]:\(port)" : "http://\(host):\(port)"
    }
}
