/// One configured upstream (`upstreams:` entry): where it is and how hard the gateway may use it.
public struct UpstreamSettings: Sendable, Hashable {
    /// Host name or IP address of the upstream's HTTP/1.1 listener.
    public var host: String
    /// TCP port of the upstream.
    public var port: Int
    /// Most connections to this upstream, in total across EventLoops. Each EventLoop gets an equal
    /// share (at least one). Default 128.
    public var maxConnections: Int
    /// Time to establish a TCP connection; beyond it 502 `upstream_unavailable`. Default 2 s.
    public var connectTimeout: Duration
    /// Time from handing a request to the pool until the response head arrives; beyond it 504
    /// `upstream_timeout` (also while a connection opened for the request is not yet accepted; but
    /// 503 `upstream_busy` while queued behind busy connections when `maxConnections` is reached). Also
    /// the longest pause in a response body (or in a client draining it) before the gateway gives up
    /// and closes both connections. Default 30 s.
    public var requestTimeout: Duration
    /// Most requests that may wait for a free connection on one EventLoop; beyond it 503
    /// `upstream_busy`. Default 256.
    public var maxWaitingRequests: Int
    /// How long an unused keep-alive connection is kept before the gateway closes it. Keep it below
    /// the upstream's own keep-alive timeout (Node.js closes idle sockets after 5 s), so the gateway
    /// never reuses a connection the upstream is closing. Default 4 s.
    public var idleTimeout: Duration

    /// Creates upstream settings; the limits default to the documented values.
    public init(
        host: String,
        port: Int,
        maxConnections: Int = 128,
        connectTimeout: Duration = .seconds(2),
        requestTimeout: Duration = .seconds(30),
        maxWaitingRequests: Int = 256,
        idleTimeout: Duration = .seconds(4)
    ) {
        self.host = host
        self.port = port
        self.maxConnections = maxConnections
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.maxWaitingRequests = maxWaitingRequests
        self.idleTimeout = idleTimeout
    }
}
