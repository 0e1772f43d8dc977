/// The headers the gateway sets on a forwarded request (DESIGN.md "Headers"), as values the Gate
/// decided; `RequestHeaderRules.addGatewayHeaders` writes them.
public struct GatewayHeaders: Sendable, Equatable {
    /// `X-Forwarded-For`: the client chain, ending with the address that connected to the gateway.
    public static let forwardedFor = "X-Forwarded-For"
    /// `X-Forwarded-Proto`: `https` or `http`, as the Gate resolved it.
    public static let forwardedProto = "X-Forwarded-Proto"
    /// `X-Forwarded-Host`: the public host the request was addressed to.
    public static let forwardedHost = "X-Forwarded-Host"
    /// `X-ActionGate-Request-Id`: the gateway's id for the request (logs on both sides).
    public static let requestID = "X-ActionGate-Request-Id"
    /// `X-ActionGate-Action`: the action id the Gate identified and checked.
    public static let action = "X-ActionGate-Action"
    /// `X-ActionGate-Subject`: the session's `sub`.
    public static let subject = "X-ActionGate-Subject"
    /// `X-ActionGate-Claims`: the session claims, base64url JSON without padding.
    public static let claims = "X-ActionGate-Claims"
    /// `X-ActionGate-Bound-Args`: the opened bound arguments, base64url JSON without padding.
    public static let boundArguments = "X-ActionGate-Bound-Args"

    /// Every header `RequestHeaderRules.addGatewayHeaders` sets (and so first removes).
    public static let names = [
        forwardedFor, forwardedProto, forwardedHost, requestID, action, subject, claims, boundArguments,
    ]

    /// True when `name` is one of `names`, in any case.
    static func isGatewayName(_ name: String) -> Bool {
        // Every gateway name starts with `X-`: most client headers are ruled out by one byte.
        guard let first = name.utf8.first, first | 0x20 == 0x78 else { return false }
        return names.contains { name.asciiCaseInsensitiveEquals($0) }
    }

    /// The TCP peer's address (appended to a trusted proxy's `X-Forwarded-For` chain).
    public var peerAddress: String
    /// The peer is in `trusted_proxies`: its `X-Forwarded-For` chain is kept and extended.
    public var peerIsTrustedProxy: Bool
    /// `X-Forwarded-Proto` value.
    public var proto: String
    /// `X-Forwarded-Host` value.
    public var host: String
    /// `X-ActionGate-Request-Id` value.
    public var requestID: String
    /// `X-ActionGate-Action` value; `nil` when the request names no action (a page render).
    public var action: String?
    /// `X-ActionGate-Subject` value; `nil` without a valid session.
    public var subject: String?
    /// Already encoded (base64url JSON).
    public var claims: String?
    /// Already encoded (base64url JSON).
    public var boundArguments: String?

    /// Gateway header values; identity values are `nil` when there is no session / no bound arguments.
    public init(
        peerAddress: String,
        peerIsTrustedProxy: Bool,
        proto: String,
        host: String,
        requestID: String,
        action: String? = nil,
        subject: String? = nil,
        claims: String? = nil,
        boundArguments: String? = nil
    ) {
        self.peerAddress = peerAddress
        self.peerIsTrustedProxy = peerIsTrustedProxy
        self.proto = proto
        self.host = host
        self.requestID = requestID
        self.action = action
        self.subject = subject
        self.claims = claims
        self.boundArguments = boundArguments
    }
}

/// A gateway header value that cannot be sent (a byte outside printable ASCII). Names the header,
/// never the value.
public struct GatewayHeaderError: Error, Sendable, Equatable {
    /// The header whose value was refused, e.g. `X-ActionGate-Subject`.
    public var header: String

    /// An error for `header`.
    public init(header: String) {
        self.header = header
    }
}
