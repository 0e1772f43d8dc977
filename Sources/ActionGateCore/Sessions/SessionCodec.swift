import ActionGateCrypto

/// Session cookies: reading them on every request, issuing them at sign-in, sliding refresh.
///
/// The cookie holds a sealed token of purpose 0x01 whose AAD context is the cookie name, so a token
/// copied into a cookie of another name never opens. Times are unix seconds from the caller's clock.
public struct SessionCodec: Sendable {
    /// The longest `Set-Cookie` value issued; browsers may drop larger cookies (RFC 6265 §6.1: 4096
    /// bytes including attributes).
    public static let maximumCookieBytes = 4000
    /// The longest `sub` accepted.
    public static let maximumSubjectBytes = 256

    public let cookieName: String
    /// Lifetime of a freshly sealed cookie.
    public let ttl: Int64
    /// A valid cookie older than this gets a fresh one on the response.
    public let refreshAfter: Int64
    /// No session outlives `auth_time + maxAge`, however often it is refreshed.
    public let maxAge: Int64
    /// `Secure` attribute; false only for local plain-HTTP development (never with `__Host-`).
    public let secure: Bool
    /// Clock skew tolerated when checking `iat`/`exp`.
    public let skew: Int64

    public init(cookieName: String, ttl: Int64, refreshAfter: Int64, maxAge: Int64, secure: Bool, skew: Int64) {
        self.cookieName = cookieName
        self.ttl = ttl
        self.refreshAfter = refreshAfter
        self.maxAge = maxAge
        self.secure = secure
        self.skew = skew
    }

    /// Reads the session from a request's `Cookie` header values.
    ///
    /// The cookie is found by exact name; sent twice (or hidden past the parser's bound) it is
    /// ambiguous and authenticates nobody.
    public func check(cookieHeaders: [String], keys: some TokenKeySource, now: Int64) -> SessionCheck {
        check(cookies: cookieHeaders.isEmpty ? nil : CookieHeader(cookieHeaders), keys: keys, now: now)
    }

    /// Reads the session from a request's parsed `Cookie` header; `nil` when the request has none.
    public func check(cookies: CookieHeader?, keys: some TokenKeySource, now: Int64) -> SessionCheck {
        check(cookies: cookies, keys: keys, now: now, cache: nil)
    }

    /// `check(cookies:keys:now:)` with sessions opened before taken from `cache` (when given) and
    /// rechecked against `now` as opening would (`isCurrent`); a cookie that opens is added to it.
    /// The answer is always the one opening the cookie now would give. `keys` must be the keys the
    /// cache's sessions were opened with (one cache per snapshot).
    public func check(cookies: CookieHeader?, keys: some TokenKeySource, now: Int64, cache: SessionCache?)
        -> SessionCheck
    {
        guard let cookies else { return .absent }
        switch cookies.lookup(cookieName) {
        case .absent:
            return cookies.isTruncated ? .invalid(reason: "too_many_cookies") : .absent
        case .duplicated:
            return .invalid(reason: "duplicate_cookie")
        case .found(let token):
            if cookies.isTruncated { return .invalid(reason: "too_many_cookies") }
            // Only ASCII values use the cache: `String` equality is Unicode canonical equivalence,
            // which would let a non-ASCII spelling (U+212A KELVIN SIGN for `K`) hit the entry of the
            // ASCII value opening refuses it as; among ASCII strings it is byte equality.
            guard let cache, token.isASCII else {
                return open(token: token, keys: keys, now: now)
            }
            if let session = cache.session(for: token) {
                if isCurrent(session, now: now) { return .valid(session) }
                cache.remove(token)
            }
            let check = open(token: token, keys: keys, now: now)
            if case .valid(let session) = check { cache.insert(session, for: token) }
            return check
        }
    }

    /// The clock's part of `open`, for a session that opened before: not expired (`exp` + skew,
    /// saturating), not issued in the future (`iat` − skew), not past `auth_time` + `max_age` (+ skew)
    /// — the same comparisons, in the same arithmetic, as `SealedToken.open` and `open(token:)`.
    public func isCurrent(_ session: Session, now: Int64) -> Bool {
        let (latest, expiryOverflows) = session.expiresAt.addingReportingOverflow(skew)
        guard expiryOverflows || now <= latest else { return false }
        let (earliest, nowOverflows) = now.addingReportingOverflow(skew)
        guard nowOverflows || session.issuedAt <= earliest else { return false }
        return now <= session.authTime &+ maxAge &+ skew
    }

    /// Opens one session token.
    public func open(token: String, keys: some TokenKeySource, now: Int64) -> SessionCheck {
        let opened: OpenedToken
        do {
            opened = try SealedToken.open(
                token, context: .session(cookieName: cookieName), keys: keys, now: now, skew: skew)
        } catch {
            return .invalid(reason: error.code)
        }
        guard case .object(let claims) = opened.data, case .string(let subject)? = claims["sub"],
            Self.isValidSubject(subject)
        else { return .invalid(reason: "bad_claims") }
        let authTime = opened.authTime ?? opened.iat
        // A cookie sealed under a longer max_age (or forged exp) still ends at auth_time + max_age.
        guard now <= authTime &+ maxAge &+ skew else { return .invalid(reason: "max_age") }
        return .valid(
            Session(
                subject: subject, claims: claims, rawClaims: opened.rawData, keyID: TokenKey.hex(opened.keyID),
                issuedAt: opened.iat, expiresAt: opened.exp, authTime: authTime))
    }

    /// The `Set-Cookie` value that signs a user in with `claimsJSON` (the upstream's
    /// `X-ActionGate-Session` header value).
    ///
    /// - Throws: `SessionIssueError` when the claims are not an object with a valid `sub`, no key is
    ///   active, or the cookie would exceed `maximumCookieBytes`.
    public func issue(claimsJSON: String, keys: some TokenKeySource, now: Int64) throws(SessionIssueError) -> String {
        let claims: JSONValue
        do { claims = try JSONValue(parsing: claimsJSON) } catch { throw .notAnObject }
        guard case .object(let members) = claims else { throw .notAnObject }
        guard case .string(let subject)? = members["sub"], Self.isValidSubject(subject) else {
            throw .invalidSubject
        }
        try Self.checkStructure(claims, depth: 1)
        return try cookie(data: claims.serialized(), authTime: now, keys: keys, now: now)
    }

    /// The largest magnitude a claim number may have: 2^53 − 1 (`Number.MAX_SAFE_INTEGER`).
    public static let maximumExactNumber: Double = 9_007_199_254_740_991

    /// Claims whose numbers are exact and which the token payload can nest one level deeper.
    private static func checkStructure(_ value: JSONValue, depth: Int) throws(SessionIssueError) {
        switch value {
        case .number(let number):
            guard number.magnitude <= maximumExactNumber else { throw .inexactNumber }
        case .array(let elements):
            guard depth < JSONValue.maximumDepth else { throw .tooDeep }
            for element in elements { try checkStructure(element, depth: depth + 1) }
        case .object(let members):
            guard depth < JSONValue.maximumDepth else { throw .tooDeep }
            for member in members.values { try checkStructure(member, depth: depth + 1) }
        default:
            break
        }
    }

    /// The `Set-Cookie` value for a sliding refresh of `session`, or nil when none is due: the cookie
    /// is younger than `refreshAfter`, or `max_age` leaves no later expiry to give.
    public func refresh(_ session: Session, keys: some TokenKeySource, now: Int64) throws(SessionIssueError) -> String?
    {
        guard now &- session.issuedAt >= refreshAfter else { return nil }
        guard expiry(authTime: session.authTime, now: now) > session.expiresAt else { return nil }
        return try cookie(data: session.rawClaims, authTime: session.authTime, keys: keys, now: now)
    }

    /// The `Set-Cookie` value that deletes the session cookie (logout).
    public func clearingCookie() -> String {
        // The name was validated at configuration load; fall back to a bare expiry if it somehow isn't.
        (try? SetCookie.expiring(name: cookieName, secure: secure)) ?? "\(cookieName)=; Max-Age=0; Path=/"
    }

    /// `sub`: 1–256 bytes of printable ASCII without spaces (it travels in a header and in logs).
    public static func isValidSubject(_ subject: String) -> Bool {
        let bytes = subject.utf8
        return !bytes.isEmpty && bytes.count <= maximumSubjectBytes && bytes.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }

    private func expiry(authTime: Int64, now: Int64) -> Int64 {
        min(now &+ ttl, authTime &+ maxAge)
    }

    private func cookie(data: [UInt8], authTime: Int64, keys: some TokenKeySource, now: Int64)
        throws(SessionIssueError) -> String
    {
        guard let key = keys.sealingKey else { throw .noActiveKey }
        let exp = expiry(authTime: authTime, now: now)
        let token: String
        do {
            token = try SealedToken.seal(
                context: .session(cookieName: cookieName), serializedData: data, iat: now, exp: exp,
                authTime: authTime, key: key)
        } catch {
            throw .sealFailed
        }
        let value: String
        do { value = try SetCookie.session(name: cookieName, value: token, maxAge: exp &- now, secure: secure) } catch {
            throw .sealFailed
        }
        guard value.utf8.count <= Self.maximumCookieBytes else { throw .cookieTooLarge }
        return value
    }
}
