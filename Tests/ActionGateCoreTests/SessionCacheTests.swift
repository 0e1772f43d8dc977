import ActionGateCore
import ActionGateCrypto
import ActionGateTestSupport
import Testing

/// `SessionCache`: a cached session is answered only when opening the cookie now would answer the
/// same, whatever the clock did in between; only cookies that opened are kept; the cache is bounded.
@Suite struct SessionCacheTests {
    let fixture: GateFixture
    let codec: SessionCodec
    init() throws {
        fixture = try GateFixture()
        codec = fixture.gate.sessions
    }

    static let now = GateFixture.now
    static let latest = Int64(SealedToken.maximumTimestamp)

    /// A cookie header value sealed with the given times (and key).
    func cookie(
        iat: Int64, exp: Int64, authTime: Int64? = nil, claims: String = #"{"sub":"alice"}"#, key: TokenKey? = nil
    ) throws -> String {
        let token = try SealedToken.seal(
            context: .session(cookieName: codec.cookieName), data: try JSONValue(parsing: claims), iat: iat, exp: exp,
            authTime: authTime ?? iat, key: key ?? fixture.keys.active)
        return "\(codec.cookieName)=\(token)"
    }

    func check(_ header: String, now: Int64, cache: SessionCache?) -> SessionCheck {
        codec.check(cookies: CookieHeader([header]), keys: fixture.keys, now: now, cache: cache)
    }

    /// Cookies whose validity ends or begins at known instants, checked at random times around
    /// those instants (and at the ends of Int64) through one shared cache, in random order: every
    /// answer equals the uncached one, so a hit can never outlive what opening would allow.
    @Test func cachedAnswersEqualOpeningAtEveryInstant() throws {
        let now = Self.now
        let skew = codec.skew
        let maxAge = codec.maxAge
        let unknownKey = try TokenKey(id: 0x0bad_0bad, secret: Array(repeating: 3, count: 32))
        var headers = [
            try cookie(iat: now - 60, exp: now + 3600),
            try cookie(iat: now - 60, exp: now + 5),
            try cookie(iat: now + 100, exp: now + 3600),  // issued in the future: valid only later
            try cookie(iat: now - 60, exp: now + 9 * 86_400, authTime: now - maxAge + 30),  // max_age ends first
            try cookie(iat: now - 60, exp: Self.latest),  // the latest expiry a token can carry
            try cookie(iat: -Self.latest, exp: now + 3600, authTime: now - 60),
            try cookie(iat: now - 60, exp: now + 3600, claims: #"{"sub":""}"#),  // bad claims
            try cookie(iat: now - 60, exp: now + 3600, key: unknownKey),
            try cookie(iat: now - 60, exp: now + 3600, key: fixture.keys.old),
        ]
        var tampered = Array(headers[0].utf8)
        tampered[tampered.count - 3] =
            tampered[tampered.count - 3] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        headers.append(String(decoding: tampered, as: UTF8.self))
        headers.append(headers[0] + "; " + headers[0])  // duplicate: ambiguous
        let instants: [Int64] = [
            now - 60 - skew, now + 5 + skew, now + 100 - skew, now + 3600 + skew, now - maxAge + 30 + maxAge + skew,
            now, .max, .min, .max - skew, .min + skew, Self.latest + skew, -Self.latest - skew,
        ]
        var random = ParserFuzzRandom(seed: 0x5345_5353)
        let cache = SessionCache()
        var mismatches: [String] = []
        var hits = 0
        for _ in 0..<4_000 {
            let header = headers.randomElement(using: &random)!
            let base = instants.randomElement(using: &random)!
            let at = base.addingReportingOverflow(Int64.random(in: -2...2, using: &random)).partialValue
            let before = cache.count
            let cached = check(header, now: at, cache: cache)
            let uncached = check(header, now: at, cache: nil)
            if cached != uncached { mismatches.append("cookie #\(headers.firstIndex(of: header)!) at \(at)") }
            if cache.count == before, case .valid = cached { hits += 1 }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
        #expect(hits > 100)  // the cache was used, not bypassed
    }

    @Test func onlyCookiesThatOpenAreKept() throws {
        let cache = SessionCache()
        let expired = try cookie(iat: Self.now - 7200, exp: Self.now - 3600)
        #expect(check(expired, now: Self.now, cache: cache) == .invalid(reason: "expired"))
        #expect(check("\(codec.cookieName)=junk", now: Self.now, cache: cache) == .invalid(reason: "malformed"))
        #expect(cache.count == 0)
        let good = try cookie(iat: Self.now - 60, exp: Self.now + 60)
        #expect(check(good, now: Self.now, cache: cache).session?.subject == "alice")
        #expect(cache.count == 1)
        // Past its expiry the entry goes, and the reason is opening's.
        #expect(check(good, now: Self.now + 60 + codec.skew + 1, cache: cache) == .invalid(reason: "expired"))
        #expect(cache.count == 0)
    }

    /// A cached cookie's value spelled with a character Unicode treats as equal to one of its ASCII
    /// characters (U+212A KELVIN SIGN for `K`) is not the same bytes: it is refused as opening
    /// refuses it, cached or not.
    @Test func aCanonicallyEquivalentSpellingIsNotACacheHit() throws {
        let cache = SessionCache()
        var good = try cookie(iat: Self.now - 60, exp: Self.now + 3600)
        // Sealed until its value holds a `K` (one in 64 characters; a few seals at most).
        while !good.dropFirst(codec.cookieName.count + 1).contains("K") {
            good = try cookie(iat: Self.now - 60, exp: Self.now + 3600)
        }
        #expect(check(good, now: Self.now, cache: cache).session?.subject == "alice")
        #expect(cache.count == 1)
        let prefix = codec.cookieName + "="
        let kelvin = prefix + String(good.dropFirst(prefix.count).map { $0 == "K" ? "\u{212A}" : $0 })
        #expect(kelvin == good, "Swift's String equality treats them as the same string")
        #expect(Array(kelvin.utf8) != Array(good.utf8))
        #expect(check(kelvin, now: Self.now, cache: nil) == .invalid(reason: "malformed"))
        #expect(check(kelvin, now: Self.now, cache: cache) == .invalid(reason: "malformed"))
        #expect(check(good, now: Self.now, cache: cache).session?.subject == "alice")
    }

    @Test func theCacheIsBounded() throws {
        let cache = SessionCache(capacity: 8)
        for index in 0..<50 {
            let header = try cookie(iat: Self.now - Int64(index), exp: Self.now + 3600)
            #expect(check(header, now: Self.now, cache: cache).session != nil)
            #expect(cache.count <= 8)
        }
    }

    /// Through the Gate: a signed-in action decided twice with one cache, the second from the cache,
    /// gives the same plan; an expired session is refused even after it was cached.
    @Test func theGateDecidesTheSameWithTheCache() throws {
        let cache = SessionCache()
        let header = try fixture.sessionCookie(#"{"sub":"alice","roles":["admin"]}"#, exp: Self.now + 30)
        let head = GateFixture.head("POST", "/actions/deleteUser", adding: [("Cookie", header)])
        func decide(_ now: Int64, _ cache: SessionCache?) -> Verdict {
            switch fixture.gate.evaluateHead(head, now: now, sessionCache: cache) {
            case .forward(let plan): .forward(plan)
            case .reject(let rejection): .reject(rejection)
            case .needBody(let pending): fixture.gate.evaluateBody(pending, body: [], now: now, sessionCache: cache)
            }
        }
        #expect(decide(Self.now, cache) == decide(Self.now, nil))
        #expect(cache.count == 1)
        #expect(decide(Self.now, cache) == decide(Self.now, nil))
        #expect(decide(Self.now, cache).outcome == "forward")
        let later = Self.now + 30 + fixture.gate.sessions.skew + 1
        #expect(decide(later, cache).outcome == "unauthenticated")
        #expect(decide(later, cache) == decide(later, nil))
    }
}
