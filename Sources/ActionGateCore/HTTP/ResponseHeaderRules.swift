/// What the gateway does to an upstream response head before the client sees it (DESIGN.md
/// "Headers", "Sessions"): a pure function of the head and the plan.
public enum ResponseHeaderRules {
    /// The upstream's session instruction header: JSON claims to issue a session, or `clear`.
    public static let sessionHeader = "X-ActionGate-Session"

    /// The families stripped from upstream responses, as data.
    public static let stripRules: [HeaderStripRule] = {
        var rules = RequestHeaderRules.stripRules.filter { $0.family == "hop-by-hop" }
        rules.append(
            HeaderStripRule(
                family: "gateway", pattern: .prefix("x-actiongate"),
                reason: "gateway headers are instructions to the gateway (sessions), never for clients"))
        // `x-middleware-set-cookie` copies every Set-Cookie where page scripts can read it (undoing
        // HttpOnly), `x-middleware-rewrite` shows rewrite targets. `x-middleware-skip`, which the
        // Pages Router reads, is kept (`keptMiddlewareHeader`).
        rules.append(
            HeaderStripRule(
                family: "nextjs-internal", pattern: .prefix("x-middleware-"),
                reason: "Next.js middleware internals: x-middleware-set-cookie exposes HttpOnly cookies to scripts"))
        return rules
    }()

    /// The one `x-middleware-*` response header browsers read (the Pages Router's prefetch bail-out).
    static let keptMiddlewareHeader: [UInt8] = Array("x-middleware-skip".utf8)

    static let table = StripTable(stripRules)

    /// A rewritten response head and the session instruction found in it.
    public struct Rewrite: Sendable, Equatable {
        /// The headers to send to the client.
        public var headers: HeaderFields
        /// What `X-ActionGate-Session` asked for; `nil` when absent (or on a 1xx response).
        public var session: SessionDirective?
    }

    /// Rewrites an upstream response head.
    ///
    /// Strips hop-by-hop headers (and those `Connection` lists), every `X-ActionGate-*` (after
    /// reading `X-ActionGate-Session`), and every `Set-Cookie` whose cookie name is the session
    /// cookie's (compared ASCII case-insensitively: dropping a look-alike is harmless, letting one
    /// through is not). Action responses without `Cache-Control` get `Cache-Control: no-store`; when
    /// the gateway adds cookies, `Cache-Control` is always replaced with `no-store` and the cookies
    /// are appended. Interim (1xx) responses are only stripped.
    ///
    /// The caller honours `session` only for actions with `issues_session: true`, and then passes
    /// the resulting cookie in `gatewaySetCookies` of the final rewrite.
    public static func rewrite(
        status: Int,
        headers: HeaderFields,
        isAction: Bool,
        sessionCookieName: String,
        gatewaySetCookies: [String]
    ) -> Rewrite {
        let listed = ConnectionOptions(headers)
        var kept: [HeaderFields.Field] = []
        kept.reserveCapacity(headers.count &+ gatewaySetCookies.count &+ 1)
        var sessionValues: [String] = []
        let table = Self.table
        for field in headers.fields {
            if field.name.asciiCaseInsensitiveEquals(sessionHeader) {
                // Claims must be UTF-8 JSON: a value that is not (held as Latin-1) is malformed.
                sessionValues.append(field.isLatin1 ? "" : field.value)
                continue
            }
            let strip = field.name.withUTF8Buffer { name in
                (table.matches(name, trusted: false) && !ASCII.equalsLowercase(name, keptMiddlewareHeader))
                    || (!listed.isEmpty && listed.contains(name))
            }
            if strip { continue }
            if field.name.asciiCaseInsensitiveEquals("set-cookie") {
                // The session cookie is the gateway's alone. A nameless cookie (`=name=value`, or a
                // value without `=`) is dropped too: browsers send it back as its bare value, so
                // `=actiongate=<token>` would come back as `actiongate=<token>`.
                let name = SetCookie.cookieName(of: field.value)
                if name.isEmpty || name.asciiCaseInsensitiveEquals(sessionCookieName) { continue }
            }
            kept.append(field)
        }
        // `consume`: the list's only owner is `result`, so the additions below append in place (the
        // capacity reserved above) instead of copying a list `kept` still shared.
        var result = HeaderFields(fields: consume kept)
        guard status >= 200 else { return Rewrite(headers: result, session: nil) }
        if !gatewaySetCookies.isEmpty {
            result.replace("Cache-Control", "no-store")
            for cookie in gatewaySetCookies { result.add("Set-Cookie", cookie) }
        } else if isAction && !result.contains("Cache-Control") {
            result.add("Cache-Control", "no-store")
        }
        return Rewrite(headers: result, session: SessionDirective(sessionValues))
    }
}

/// What an upstream asked for with `X-ActionGate-Session`.
public enum SessionDirective: Sendable, Equatable {
    /// Issue a session with these claims (raw JSON text, to be parsed and checked by the caller).
    case issue(claims: String)
    /// `clear`: log out (expire the cookie).
    case clear
    /// Empty, not UTF-8, or more than one header line: ignored by the gateway and logged as an
    /// upstream error.
    case malformed

    /// The directive of the header's values; nil when there are none.
    init?(_ values: [String]) {
        guard let value = values.first else { return nil }
        guard values.count == 1 else {
            self = .malformed
            return
        }
        let trimmed = value.withUTF8Buffer { $0.string(ASCII.trimmedOWS($0, 0..<$0.count)) }
        if trimmed.isEmpty {
            self = .malformed
        } else if trimmed == "clear" {
            self = .clear
        } else {
            self = .issue(claims: trimmed)
        }
    }
}
