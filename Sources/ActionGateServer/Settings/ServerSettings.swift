import ActionGateCore

/// Everything the data plane needs that is not a security decision: where to listen, framing
/// limits, and the upstreams by name.
///
/// The CLI maps the Core `Configuration` onto this plain struct. Listener addresses and `limits`
/// apply at start only; `upstreams` also travel in every `GatewaySnapshot`, so a reload can change
/// them.
public struct ServerSettings: Sendable, Hashable {
    /// The public listener. Default `0.0.0.0:8080`.
    public var listen: ListenAddress
    /// More public listeners, served the same way (`listen:` given as a list: e.g. an IPv4 and an
    /// IPv6 address). Default none.
    public var additionalListen: [ListenAddress]
    /// The admin listener (health, readiness, routes the CLI adds); `nil` turns it off.
    /// Default `127.0.0.1:9090`: loopback, because it may serve `/v1/seal`.
    public var admin: ListenAddress?
    /// The admin listener's bounds (connections, request deadline, body, unread responses).
    public var adminLimits: AdminLimits
    /// Framing and resource limits.
    public var limits: ServerLimits
    /// The upstreams, by their `upstreams:` name (the name a `ForwardPlan` carries).
    public var upstreams: [String: UpstreamSettings]
    /// How long a graceful shutdown lets in-flight requests finish before closing them. Default 30 s.
    public var shutdownGracePeriod: Duration

    /// Creates settings; every parameter defaults to the documented value.
    public init(
        listen: ListenAddress = ListenAddress(host: "0.0.0.0", port: 8080),
        additionalListen: [ListenAddress] = [],
        admin: ListenAddress? = ListenAddress(host: "127.0.0.1", port: 9090),
        adminLimits: AdminLimits = AdminLimits(),
        limits: ServerLimits = ServerLimits(),
        upstreams: [String: UpstreamSettings] = [:],
        shutdownGracePeriod: Duration = .seconds(30)
    ) {
        self.listen = listen
        self.additionalListen = additionalListen
        self.admin = admin
        self.adminLimits = adminLimits
        self.limits = limits
        self.upstreams = upstreams
        self.shutdownGracePeriod = shutdownGracePeriod
    }
}
