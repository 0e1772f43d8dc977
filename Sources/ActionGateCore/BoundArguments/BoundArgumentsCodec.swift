import ActionGateCrypto

/// Closure encryption: seals the values a handler captures into a page, opens them on invocation.
///
/// A token is bound to one action id (purpose 0x02) and optionally to the session subject
/// (0x03): the AAD carries both, so a token minted for one action or user fails the tag anywhere
/// else (reported as `bad_tag`).
public struct BoundArgumentsCodec: Sendable {
    /// Longest ttl a seal request may ask for, in seconds.
    public let maxTTL: Int64
    /// Largest serialised arguments accepted, in bytes.
    public let maxSize: Int
    /// Clock skew tolerated when opening.
    public let skew: Int64

    public init(maxTTL: Int64, maxSize: Int, skew: Int64) {
        self.maxTTL = maxTTL
        self.maxSize = maxSize
        self.skew = skew
    }

    /// Seals `argumentsJSON` (one JSON value, sealed verbatim) for `action`, valid `ttl` seconds.
    ///
    /// The caller checks that `action` is configured. Returns the token and its expiry (unix s).
    public func seal(
        argumentsJSON: some Collection<UInt8>, action: String, subject: String?, ttl: Int64,
        keys: some TokenKeySource, now: Int64
    ) throws(BoundArgumentsError) -> (token: String, expiresAt: Int64) {
        guard ttl > 0, ttl <= maxTTL else { throw .invalidTTL }
        guard argumentsJSON.count <= maxSize else { throw .argumentsTooLarge }
        if let subject, !SessionCodec.isValidSubject(subject) { throw .invalidSubject }
        guard let key = keys.sealingKey else { throw .noActiveKey }
        let exp = now &+ ttl
        do {
            let token = try SealedToken.seal(
                context: .boundArguments(action: action, subject: subject), serializedData: argumentsJSON,
                iat: now, exp: exp, key: key)
            return (token, exp)
        } catch .invalidJSON {
            throw .invalidRequest("args is not a JSON value")
        } catch {
            throw .sealFailed
        }
    }

    /// Opens the bound-arguments token(s) a request carried, for `action` and the session `subject`
    /// (nil when anonymous: subject-bound tokens then never open).
    ///
    /// More than one token (header and form field, or repeated) is refused: which one a handler
    /// would use is ambiguous.
    public func open(tokens: [String], action: String, subject: String?, keys: some TokenKeySource, now: Int64)
        -> BoundArgumentsCheck
    {
        open(token: tokens.first, count: tokens.count, action: action, subject: subject, keys: keys, now: now)
    }

    /// `open(tokens:…)` given the first token and how many the request carries, so the request
    /// path collects no array.
    public func open(
        token: String?, count: Int, action: String, subject: String?, keys: some TokenKeySource, now: Int64
    ) -> BoundArgumentsCheck {
        guard count > 0, let token else { return .absent }
        guard count == 1 else { return .rejected(reason: "multiple_tokens") }
        do {
            let opened = try SealedToken.open(
                token, context: .boundArguments(action: action, subject: subject), keys: keys, now: now, skew: skew)
            return .valid(json: opened.rawData, keyID: TokenKey.hex(opened.keyID))
        } catch {
            return .rejected(reason: error.code)
        }
    }
}
