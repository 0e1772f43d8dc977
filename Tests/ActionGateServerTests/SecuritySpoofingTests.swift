import ActionGateCore
import ActionGateCrypto
import ActionGateServer
import Testing

/// Header spoofing against the real gateway: every family of `RequestHeaderRules.stripRules`, in
/// case and underscore spellings, on every kind of request. The upstream must never receive a
/// spoofed value, and the headers the gateway sets must carry only the gateway's values.
@Suite struct SecuritySpoofingTests {
    /// One spoofed header: a name some rule covers and the marker value the upstream must not see.
    struct Spoof: Sendable, CustomStringConvertible {
        var family: String
        var name: String
        var value: String
        /// A framing field (`Content-Length`, `Transfer-Encoding`) with a non-framing value: the
        /// parser refuses the request before any rule runs.
        var refusedByParser: Bool
        var description: String { "\(family): \(name)" }
    }

    /// Every rule's names in the spellings an attacker would try; the marker is `spoofed-<n>`.
    static let spoofs: [Spoof] = {
        var names: [(String, String)] = []
        for rule in RequestHeaderRules.stripRules {
            for base in baseNames(rule) {
                for variant in spellings(base) { names.append((rule.family, variant)) }
            }
        }
        var seen = Set<String>()
        return names.enumerated().compactMap { index, entry in
            guard seen.insert(entry.1).inserted else { return nil }
            let lower = entry.1.lowercased()
            return Spoof(
                family: entry.0, name: entry.1, value: "spoofed-\(index)",
                refusedByParser: lower == "content-length" || lower == "transfer-encoding")
        }
    }()

    /// Concrete names a rule covers: the exact name, or realistic names under a prefix.
    static func baseNames(_ rule: HeaderStripRule) -> [String] {
        switch rule.pattern {
        case .exact(let name): [name]
        case .prefix("x-actiongate"):
            GatewayHeaders.names.filter { $0.hasPrefix("X-ActionGate") }
                + ["X-ActionGate-Session", "X-ActionGateSubject"]
        case .prefix("x-invoke-"): ["x-invoke-path", "x-invoke-query", "x-invoke-output", "x-invoke-status"]
        case .prefix("x-middleware-"): ["x-middleware-invoke", "x-middleware-rewrite", "x-middleware-prefetch"]
        case .prefix("x-forwarded-"):
            ["X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Prefix"]
        case .prefix("proxy-"): ["Proxy-Authorization", "Proxy-Connection"]
        case .prefix(let prefix): [rule.example ?? prefix]
        case .containsUnderscore:
            [
                "X_ActionGate_Subject", "X-ActionGate_Action", "x_forwarded_for", "X_Middleware_Subrequest",
                "Next_Action",
            ]
        case .listedInConnection: []
        }
    }

    /// The name as given, lower case, upper case, Title-Case, and with `-` spelled `_`.
    static func spellings(_ name: String) -> [String] {
        let title = name.split(separator: "-", omittingEmptySubsequences: false)
            .map { $0.prefix(1).uppercased() + $0.dropFirst().lowercased() }.joined(separator: "-")
        let underscored = name.replacingOccurrences(of: "-", with: "_")
        return [name, name.lowercased(), name.uppercased(), title, underscored, underscored.uppercased()]
    }

    enum Kind: String, Sendable, CaseIterable {
        /// A signed-in action with a session cookie.
        case action
        /// A signed-in action that requires bound arguments.
        case boundAction
        /// A GET page render on an `actions` route, with a session cookie.
        case page
        /// A GET on the `passthrough` route (no identity).
        case passthrough
    }

    /// Every spoof, one request each, on every kind of request, from an untrusted peer; and the
    /// same with the peer a trusted proxy, where only the forwarding family may pass.
    @Test(arguments: Kind.allCases, [false, true])
    func everyStrippedFamilyInEverySpelling(_ kind: Kind, trustedPeer: Bool) async throws {
        var options = SecurityFixture.Options()
        if trustedPeer { options.trustedProxies = ["127.0.0.1/32"] }
        try await SecurityFixture.with(options) { fixture in
            let expected = try Expected(kind, fixture: fixture)
            #expect(Set(Self.spoofs.map(\.family)) == Set(RequestHeaderRules.stripRules.map(\.family)))
            for spoof in Self.spoofs {
                let forwarding = RequestHeaderRules.stripRules.contains {
                    $0.scope == .untrustedPeers && $0.matches(spoof.name)
                }
                if trustedPeer && forwarding { continue }
                try await Self.send([(spoof.name, spoof.value)], expected, fixture, "\(spoof)", spoof.refusedByParser)
            }
            // A name the request's own `Connection` field lists is hop-by-hop (the last family).
            try await Self.send(
                [("Connection", "X-Hop-Secret"), ("X-Hop-Secret", "spoofed-hop")], expected, fixture, "listed")
            let ids = fixture.upstream.received.compactMap { $0.header("x-actiongate-request-id") }
            #expect(Set(ids).count == fixture.upstream.received.count)
        }
    }

    /// Sends `expected.request` with `extra` header fields and checks what the upstream got.
    static func send(
        _ extra: [(String, String)], _ expected: Expected, _ fixture: SecurityFixture, _ name: String,
        _ refusedByParser: Bool = false, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let before = fixture.upstream.received.count
        let fields = extra.map { "\($0.0): \($0.1)\r\n" }.joined()
        let response = try await fixture.harness.roundTrip(expected.head + fields + expected.tail)
        let received = fixture.upstream.received.dropFirst(before)
        if refusedByParser {
            #expect(response.status == 400, "\(name)", sourceLocation: sourceLocation)
            #expect(received.isEmpty, "\(name)", sourceLocation: sourceLocation)
            return
        }
        #expect(response.status == 200, "\(name)", sourceLocation: sourceLocation)
        guard received.count == 1, let seen = received.first else {
            Issue.record("\(name): upstream got \(received.count) requests", sourceLocation: sourceLocation)
            return
        }
        let leaked = seen.headers.filter { $0.1.lowercased().contains("spoofed") || $0.0.contains("_") }
        #expect(leaked.isEmpty, "\(name): \(leaked)", sourceLocation: sourceLocation)
        // The id must be the one the gateway logged for this request (the record lands just after
        // the response).
        let requestID = seen.header("x-actiongate-request-id") ?? "?"
        let logged = await fixture.harness.eventually {
            fixture.harness.audit.all.contains { $0.requestID == requestID && $0.target == expected.target }
        }
        #expect(logged, "\(name): request id \(requestID) not in the audit log", sourceLocation: sourceLocation)
        expected.check(seen, requestID: requestID, name, sourceLocation: sourceLocation)
    }

    /// The request of one kind and the gateway headers its upstream request must carry.
    struct Expected: Sendable {
        var head: String
        var tail: String
        var target: String
        var action: String?
        var subject: String?
        var claims: String?
        var boundArguments: String?

        init(_ kind: Kind, fixture: SecurityFixture) throws {
            let cookie = try fixture.sessionCookie()
            let claimsJSON = "{\"sub\":\"alice\",\"roles\":[\"user\"]}"
            let browser = SecurityFixture.browser + "Cookie: \(cookie)\r\n"
            tail = "\r\n"
            switch kind {
            case .action:
                target = "/actions/whoami"
                head = "POST \(target) HTTP/1.1\r\n\(browser)Content-Length: 2\r\n"
                tail = "\r\n{}"
                action = "whoami"
            case .boundAction:
                target = "/actions/bound"
                let token = try fixture.boundArguments("[1,\"two\"]", action: "bound", subject: "alice")
                head = "POST \(target) HTTP/1.1\r\n\(browser)Action-Bound: \(token)\r\nContent-Length: 2\r\n"
                tail = "\r\n{}"
                action = "bound"
                boundArguments = Base64URL.encode(Array("[1,\"two\"]".utf8))
            case .page:
                target = "/dashboard"
                head = "GET \(target) HTTP/1.1\r\nHost: app.example.com\r\nCookie: \(cookie)\r\n"
            case .passthrough:
                target = "/static/app.js"
                head = "GET \(target) HTTP/1.1\r\nHost: app.example.com\r\nCookie: \(cookie)\r\n"
            }
            if kind != .passthrough {
                subject = "alice"
                let sealed: [UInt8] = try JSONValue(parsing: claimsJSON).serialized()
                claims = Base64URL.encode(sealed)
            }
        }

        /// The gateway's own headers, each exactly once with the gateway's value (or absent).
        func check(
            _ seen: TestUpstream.Received, requestID: String, _ name: String,
            sourceLocation: SourceLocation = #_sourceLocation
        ) {
            let want: [(String, String?)] = [
                ("X-Forwarded-For", "127.0.0.1"), ("X-Forwarded-Host", "app.example.com"),
                ("X-Forwarded-Proto", "https"), ("X-ActionGate-Request-Id", requestID),
                ("X-ActionGate-Action", action), ("X-ActionGate-Subject", subject),
                ("X-ActionGate-Claims", claims), ("X-ActionGate-Bound-Args", boundArguments),
            ]
            for (header, value) in want {
                #expect(
                    seen.headerValues(header) == (value.map { [$0] } ?? []), "\(name): \(header)",
                    sourceLocation: sourceLocation)
            }
            #expect(seen.target == target, "\(name)", sourceLocation: sourceLocation)
            #expect(seen.headerValues("cookie") == ["theme=dark"], "\(name)", sourceLocation: sourceLocation)
            #expect(seen.headerValues("action-bound").isEmpty, "\(name)", sourceLocation: sourceLocation)
            let prefixed = seen.headers.filter { $0.0.lowercased().hasPrefix("x-actiongate") }.count
            let set = want.filter { $0.0.hasPrefix("X-ActionGate") && $0.1 != nil }.count
            #expect(prefixed == set, "\(name): extra X-ActionGate-* fields", sourceLocation: sourceLocation)
        }
    }
}
