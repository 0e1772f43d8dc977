import Testing

@testable import ActionGateCore

@Suite("RequestHeaderRules")
struct RequestHeaderRulesTests {
    /// Spellings of one header name a client might use to slip it past a case-sensitive check.
    static func spellings(_ name: String) -> [String] {
        let alternating = String(
            name.enumerated().map { $0.offset % 2 == 0 ? Character($0.element.uppercased()) : $0.element })
        let words = name.split(separator: "-", omittingEmptySubsequences: false).map {
            $0.prefix(1).uppercased() + $0.dropFirst()
        }
        return [name, name.uppercased(), alternating, words.joined(separator: "-")]
    }

    static let rulesWithExamples = RequestHeaderRules.stripRules.filter { $0.example != nil }

    @Test(arguments: rulesWithExamples)
    func stripsEverySpellingOfEveryFamily(_ rule: HeaderStripRule) throws {
        let example = try #require(rule.example)
        for name in Self.spellings(example) {
            let headers = HeaderFields([("Host", "app.example.com"), (name, "1"), ("Accept", "*/*")])
            let untrusted = RequestHeaderRules.sanitize(headers, peerIsTrustedProxy: false)
            #expect(untrusted == HeaderFields([("Host", "app.example.com"), ("Accept", "*/*")]), "\(name)")
            let trusted = RequestHeaderRules.sanitize(headers, peerIsTrustedProxy: true)
            #expect(trusted.contains(name) == (rule.scope == .untrustedPeers), "\(name)")
            #expect(rule.matches(name))
        }
    }

    /// Underscore spellings of every stripped name, and of names the gateway sets, are dropped
    /// from every peer.
    @Test(
        arguments: rulesWithExamples.compactMap(\.example) + [
            "x-actiongate-subject", "x-forwarded-for", "cookie", "host", "next-action", "content-type",
        ])
    func stripsUnderscoreAliases(_ name: String) {
        let alias = String(name.map { $0 == "-" ? "_" : $0 })
        guard alias.contains("_") else { return }
        for spelling in Self.spellings(alias) {
            let headers = HeaderFields([(spelling, "1")])
            #expect(RequestHeaderRules.sanitize(headers, peerIsTrustedProxy: true).count == 0, "\(spelling)")
        }
    }

    static let kept = [
        "Host", "Cookie", "Content-Type", "Origin", "Accept", "Accept-Language", "User-Agent", "Referer",
        "Authorization", "Sec-Fetch-Site", "Next-Action", "Next-Router-State-Tree", "RSC", "Next-Url",
        "Next-Router-Prefetch", "Next-Router-Segment-Prefetch", "X-Deployment-Id", "Purpose", "Prefer",
        "Action-Bound", "X-Requested-With", "X-Custom-Thing", "If-None-Match", "Cache-Control",
    ]

    @Test func keepsOrdinaryHeadersInOrderWithDuplicates() {
        var pairs = Self.kept.map { ($0, "v-\($0)") }
        pairs.append(("Accept", "text/html"))
        let headers = HeaderFields(pairs)
        for trusted in [false, true] {
            #expect(RequestHeaderRules.sanitize(headers, peerIsTrustedProxy: trusted) == headers)
        }
    }

    @Test func stripsWhatConnectionLists() {
        let headers = HeaderFields([
            ("Connection", "keep-alive, X-Custom, accept"), ("connection", " Foo ,, "), ("X-CUSTOM", "1"),
            ("Accept", "*/*"), ("foo", "2"), ("Bar", "3"), ("Keep-Alive", "timeout=5"),
        ])
        #expect(RequestHeaderRules.sanitize(headers, peerIsTrustedProxy: true) == HeaderFields([("Bar", "3")]))
    }

    /// The headers the Gate decides on reach the upstream whatever `Connection` says.
    @Test func connectionCannotRemoveDecisionInputs() {
        let inputs = [
            ("Host", "a"), ("Content-Type", "text/plain"), ("Content-Encoding", "gzip"), ("Cookie", "a=1"),
            ("Origin", "https://a"), ("Sec-Fetch-Site", "same-origin"), ("Next-Action", "x"), ("Action-Bound", "t"),
        ]
        let listed = inputs.map(\.0).joined(separator: ", ").uppercased()
        let headers = HeaderFields([("Connection", listed)] + inputs)
        #expect(RequestHeaderRules.sanitize(headers, peerIsTrustedProxy: false) == HeaderFields(inputs))
    }

    @Test func connectionListIsBounded() {
        let names = (0..<(ConnectionOptions.maxNames + 10)).map { "x-n\($0)" }
        var pairs = [("Connection", names.joined(separator: ","))]
        pairs += names.map { ($0, "1") }
        let result = RequestHeaderRules.sanitize(HeaderFields(pairs), peerIsTrustedProxy: false)
        #expect(result.fields.map(\.name) == Array(names.suffix(10)))
    }

    @Test func designExamples() {
        let headers = HeaderFields([
            ("Host", "app.example.com"), ("x-middleware-subrequest", "middleware"), ("X_ActionGate_Subject", "admin"),
            ("X-ActionGate-Subject", "admin"), ("x-actiongate-claims", "e30"), ("X-Forwarded-Host", "evil.com"),
            ("Forwarded", "host=evil.com"), ("X-HTTP-Method-Override", "DELETE"), ("Upgrade", "h2c"),
            ("Transfer-Encoding", "chunked"), ("Content-Length", "5"), ("Expect", "100-continue"),
            ("TE", "trailers"), ("Proxy-Authorization", "Basic x"), ("x-invoke-path", "/admin"),
            ("x-now-route-matches", "1"), ("Next-Resume", "1"), ("x-nextjs-data", "1"), ("X-Matched-Path", "/x"),
            ("x-action-forwarded", "1"), ("X-Real-IP", "1.2.3.4"), ("X-Original-URL", "/admin"),
            ("X-Rewrite-URL", "/admin"), ("x-original-uri", "/admin"), ("Location", "http://169.254.169.254/"),
            ("x-vercel-sc-host", "evil.example"), ("x-prerender-revalidate", "id"),
            ("x-prerender-revalidate-if-generated", "1"), ("x-next-revalidated-tags", "t"),
            ("x-next-revalidate-tag-token", "id"), ("x-next-resume-state-length", "9"),
            ("x-next-internal-variants", "a"), ("next-test-proxy-port", "1"), ("x-nextjs-request-id", "1"),
        ])
        #expect(
            RequestHeaderRules.sanitize(headers, peerIsTrustedProxy: false)
                == HeaderFields([("Host", "app.example.com")]))
        let trusted = RequestHeaderRules.sanitize(headers, peerIsTrustedProxy: true)
        #expect(trusted.fields.map(\.name) == ["Host", "X-Forwarded-Host", "Forwarded", "X-Real-IP"])
    }

    @Test func everyFamilyIsInTheTable() {
        let families = Set(RequestHeaderRules.stripRules.map(\.family))
        #expect(
            families == [
                "hop-by-hop", "framing", "gateway", "underscore", "nextjs-internal", "method-override", "path-override",
                "forwarding",
            ])
        #expect(RequestHeaderRules.stripRules.contains { $0.pattern == .listedInConnection })
        #expect(
            RequestHeaderRules.stripRules.filter { $0.scope == .untrustedPeers }.allSatisfy {
                $0.family == "forwarding"
            })
    }

    @Test func hugeHeaderLists() {
        var pairs = (0..<20_000).map { ("X-Header-\($0)", "v") }
        pairs += (0..<1_000).map { ("X-ActionGate-\($0)", "v") }
        #expect(RequestHeaderRules.sanitize(HeaderFields(pairs), peerIsTrustedProxy: false).count == 20_000)
    }
}
