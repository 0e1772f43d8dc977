/// What the Gate resolved about a request before identifying its action (DESIGN.md steps 1–3),
/// carried from the head to the body phase so nothing is parsed twice.
public struct RequestContext: Sendable, Equatable {
    /// The normalised path and the query; the only form of the target the Gate routes on.
    public let target: RequestPath
    /// The route with the longest prefix covering the path.
    public let route: RouteConfiguration
    /// The public host the request was addressed to (`Host`, or `X-Forwarded-Host` from a trusted proxy).
    public let host: String
    /// The scheme the client used: the trusted proxy's `X-Forwarded-Proto`, else the public origin's.
    public let proto: String
    /// The TCP peer is in `trusted_proxies`.
    public let peerIsTrustedProxy: Bool
    /// The client after trusted-proxy resolution; nil only when the peer address is unparseable.
    public let clientAddress: IPAddress?

    public init(
        target: RequestPath, route: RouteConfiguration, host: String, proto: String, peerIsTrustedProxy: Bool,
        clientAddress: IPAddress?
    ) {
        self.target = target
        self.route = route
        self.host = host
        self.proto = proto
        self.peerIsTrustedProxy = peerIsTrustedProxy
        self.clientAddress = clientAddress
    }
}
