import ActionGateCrypto

/// A session whose cookie opened: who the user is, and the token facts needed to refresh it.
public struct Session: Sendable, Equatable {
    /// The `sub` claim: printable ASCII without spaces, at most 256 bytes.
    public let subject: String
    /// Every claim, `sub` included.
    public let claims: [String: JSONValue]
    /// The claims object's JSON bytes exactly as sealed (forwarded as `X-ActionGate-Claims`).
    public let rawClaims: [UInt8]
    /// `rawClaims` in base64url, the `X-ActionGate-Claims` value: encoded once when the cookie
    /// opens, so a session served from `SessionCache` forwards it without re-encoding.
    public let encodedClaims: String
    /// The key that sealed the cookie, as 8 lowercase hex digits (audit log, metrics).
    public let keyID: String
    public let issuedAt: Int64
    public let expiresAt: Int64
    /// First sign-in; sliding refreshes never extend a session past `authTime + max_age`.
    public let authTime: Int64

    public init(
        subject: String, claims: [String: JSONValue], rawClaims: [UInt8], keyID: String, issuedAt: Int64,
        expiresAt: Int64, authTime: Int64
    ) {
        self.subject = subject
        self.claims = claims
        self.rawClaims = rawClaims
        self.encodedClaims = Base64URL.encode(rawClaims)
        self.keyID = keyID
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.authTime = authTime
    }
}
