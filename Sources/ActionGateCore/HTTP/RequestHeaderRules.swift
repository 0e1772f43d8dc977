/// Which client request headers reach an upstream (DESIGN.md "Headers"), and the headers the
/// gateway sets on the way.
///
/// Order: `sanitize` the client's headers, then `addGatewayHeaders`. Everything the gateway sets is
/// added after stripping, so a client can neither forge it nor remove it (e.g. through `Connection`).
public enum RequestHeaderRules {
    /// The families stripped from client requests, as data.
    ///
    /// Any name with `_` is dropped, not only those that fold to a protected name: CGI, PHP, WSGI,
    /// Rack and some proxies map `-` and `_` to the same variable, so `X_ActionGate_Subject` or
    /// `X_Forwarded_For` can alias a protected header in ways a list cannot foresee. No browser
    /// sends `_` names; nginx (`underscores_in_headers off`) and Apache drop them by default too.
    public static let stripRules: [HeaderStripRule] = {
        var rules: [HeaderStripRule] = []
        let hopByHop =
            "hop-by-hop: meaningful for one connection only (RFC 9110 §7.6.1); h2c upgrades tunnel past the gateway"
        rules.append(HeaderStripRule(family: "hop-by-hop", pattern: .listedInConnection, reason: hopByHop))
        for name in ["connection", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade"] {
            rules.append(HeaderStripRule(family: "hop-by-hop", pattern: .exact(name), reason: hopByHop))
        }
        rules.append(HeaderStripRule(family: "hop-by-hop", pattern: .prefix("proxy-"), reason: hopByHop))
        let framing = "framing: the data plane re-frames the body and answers Expect itself"
        for name in ["content-length", "expect"] {
            rules.append(HeaderStripRule(family: "framing", pattern: .exact(name), reason: framing))
        }
        rules.append(
            HeaderStripRule(
                family: "gateway", pattern: .prefix("x-actiongate"),
                reason: "gateway headers carry identity: only the gateway sets them"))
        rules.append(
            HeaderStripRule(
                family: "underscore", pattern: .containsUnderscore,
                reason: "`_` names alias `-` names in CGI-style servers (X_ActionGate_Subject)"))
        // Next.js reads these as its own signals (CVE-2025-29927 and kin): `x-nextjs-*` (data
        // requests, CVE-2026-44572), on-demand revalidation and its cache tags (`x-prerender-revalidate*`,
        // `x-next-revalidate*`: the preview id they need is every draft-mode user's cookie), resume
        // state (`next-resume`, `x-next-resume-state-length`), `x-next-internal-*` (reserved: "must be
        // removed from client requests"), the test proxy (`next-test-*`), the headers of Vercel's edge
        // (`x-vercel-*`: the suspense cache's host and token in minimal mode, geolocation), and
        // `Location`, a response header that middleware copying request headers into its response turns
        // into a server-side redirect (CVE-2025-57822). No browser sends any of them.
        let nextInternal = "Next.js internal: trusted by Next.js as if sent by itself (CVE-2025-29927)"
        for name in [
            "x-middleware-subrequest", "x-middleware-subrequest-id", "x-action-forwarded", "next-resume",
            "x-next-resume-state-length", "x-now-route-matches", "x-matched-path", "location",
        ] {
            rules.append(HeaderStripRule(family: "nextjs-internal", pattern: .exact(name), reason: nextInternal))
        }
        for prefix in [
            "x-invoke-", "x-middleware-", "x-nextjs-", "x-next-internal-", "x-next-revalidate",
            "x-prerender-revalidate",
            "next-test-", "x-vercel-",
        ] {
            rules.append(HeaderStripRule(family: "nextjs-internal", pattern: .prefix(prefix), reason: nextInternal))
        }
        let override = "method override: the gateway decided on the request method; upstreams must see no other"
        for name in ["x-http-method-override", "x-http-method", "x-method-override"] {
            rules.append(HeaderStripRule(family: "method-override", pattern: .exact(name), reason: override))
        }
        let pathOverride =
            "path override: the gateway decided on the request target; upstreams that route by these "
            + "(Symfony, Zend, IIS URL Rewrite) must see no other"
        for name in ["x-original-url", "x-rewrite-url", "x-original-uri"] {
            rules.append(HeaderStripRule(family: "path-override", pattern: .exact(name), reason: pathOverride))
        }
        let forwarding = "client-asserted addresses: only trusted proxies may say where a request came from"
        rules.append(
            HeaderStripRule(
                family: "forwarding", pattern: .prefix("x-forwarded-"), scope: .untrustedPeers, reason: forwarding))
        for name in ["forwarded", "x-real-ip"] {
            rules.append(
                HeaderStripRule(family: "forwarding", pattern: .exact(name), scope: .untrustedPeers, reason: forwarding)
            )
        }
        return rules
    }()

    static let table = StripTable(stripRules)

    /// The client's headers without every stripped family (`stripRules`), in their original order.
    ///
    /// - Parameter peerIsTrustedProxy: the TCP peer is in `trusted_proxies`; its `X-Forwarded-*`,
    ///   `Forwarded` and `X-Real-IP` are then kept for the Gate to read (and rewrite).
    public static func sanitize(_ headers: HeaderFields, peerIsTrustedProxy: Bool) -> HeaderFields {
        let listed = ConnectionOptions(headers)
        let table = Self.table
        var kept: [HeaderFields.Field] = []
        // Room for the gateway's headers too, which are added next on the forwarding path.
        kept.reserveCapacity(headers.count &+ GatewayHeaders.names.count)
        for field in headers.fields {
            let strip = field.name.withUTF8Buffer { name in
                table.matches(name, trusted: peerIsTrustedProxy)
                    || (!listed.isEmpty && listed.contains(name))
            }
            if !strip { kept.append(field) }
        }
        return HeaderFields(fields: kept)
    }

    /// Sets the gateway's headers in `headers` (already sanitised), in place, replacing any of the
    /// same name.
    ///
    /// `X-Forwarded-For` becomes the trusted proxy's chain plus the peer address, or just the peer
    /// address when the peer is not trusted. Identity headers that are `nil` are removed.
    ///
    /// - Throws: `GatewayHeaderError` when a value has a byte outside printable ASCII; values come
    ///   from the gateway, so this is a bug, but a header must never be injectable. `headers` is then
    ///   left part-edited; the caller refuses the request.
    public static func addGatewayHeaders(_ gateway: GatewayHeaders, to headers: inout HeaderFields)
        throws(GatewayHeaderError)
    {
        var chain = ""
        headers.removeAll { field in
            guard GatewayHeaders.isGatewayName(field.name) else { return false }
            if gateway.peerIsTrustedProxy, field.name.asciiCaseInsensitiveEquals(GatewayHeaders.forwardedFor) {
                let entry = field.value.withUTF8Buffer { $0.string(ASCII.trimmedOWS($0, 0..<$0.count)) }
                if !entry.isEmpty { chain += chain.isEmpty ? entry : ", " + entry }
            }
            return true
        }
        let forwardedFor = chain.isEmpty ? gateway.peerAddress : chain + ", " + gateway.peerAddress
        try append(GatewayHeaders.forwardedFor, forwardedFor, to: &headers)
        try append(GatewayHeaders.forwardedProto, gateway.proto, to: &headers)
        try append(GatewayHeaders.forwardedHost, gateway.host, to: &headers)
        try append(GatewayHeaders.requestID, gateway.requestID, to: &headers)
        try append(GatewayHeaders.action, gateway.action, to: &headers)
        try append(GatewayHeaders.subject, gateway.subject, to: &headers)
        try append(GatewayHeaders.claims, gateway.claims, to: &headers)
        try append(GatewayHeaders.boundArguments, gateway.boundArguments, to: &headers)
    }

    private static func append(
        _ name: String,
        _ value: String?,
        to headers: inout HeaderFields
    ) throws(GatewayHeaderError) {
        guard let value else { return }
        let printable = value.withUTF8Buffer { bytes in bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7F } }
        guard printable else { throw GatewayHeaderError(header: name) }
        headers.add(name, value)
    }
}
