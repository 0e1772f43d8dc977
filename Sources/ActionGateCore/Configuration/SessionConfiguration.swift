/// `session:` — the session cookie (DESIGN.md "Sessions").
public struct SessionConfiguration: Sendable, Equatable {
    /// The default cookie name; the `__Host-` prefix makes browsers insist on `Secure`, `Path=/` and
    /// no `Domain`, so a sibling subdomain cannot plant a session.
    public static let defaultCookie = "__Host-actiongate"

    /// `cookie`, default `__Host-actiongate`. Also the token's AAD context.
    public let cookie: String
    /// `ttl`, default 8h: lifetime of one issued token (`exp - iat`).
    public let ttl: ConfigDuration
    /// `refresh_after`, default 1h: a valid session older than this is re-issued (sliding).
    public let refreshAfter: ConfigDuration
    /// `max_age`, default 7d: no refresh beyond this from the first sign-in (`auth_time`).
    public let maxAge: ConfigDuration
    /// `secure`, default true: the cookie carries `Secure`. `false` only for local plain-HTTP work, and
    /// only with a cookie name without `__Host-`.
    public let secure: Bool
    /// `clock_skew`, default 60s: tolerance for `exp` and `iat` checks.
    public let clockSkew: ConfigDuration

    /// The session settings; the defaults are DESIGN.md's.
    public init(
        cookie: String = SessionConfiguration.defaultCookie,
        ttl: ConfigDuration = .seconds(8 * 3600),
        refreshAfter: ConfigDuration = .seconds(3600),
        maxAge: ConfigDuration = .seconds(7 * 86400),
        secure: Bool = true,
        clockSkew: ConfigDuration = .seconds(60)
    ) {
        self.cookie = cookie
        self.ttl = ttl
        self.refreshAfter = refreshAfter
        self.maxAge = maxAge
        self.secure = secure
        self.clockSkew = clockSkew
    }
}
