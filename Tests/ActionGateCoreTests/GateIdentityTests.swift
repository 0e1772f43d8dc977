import ActionGateCore
import ActionGateCrypto
import Testing

/// Sessions, policies, bound arguments and the headers the upstream receives.
@Suite struct GateIdentityTests {
    let fixture: GateFixture
    init() throws { fixture = try GateFixture() }

    func post(_ path: String, cookie: String? = nil, extra: [(String, String)] = [], peer: String = "203.0.113.9")
        -> RequestHead
    {
        GateFixture.head("POST", path, adding: (cookie.map { [("Cookie", $0)] } ?? []) + extra, peer: peer)
    }

    @Test func aValidSessionAuthenticatesAndReachesTheUpstreamAsIdentityHeaders() throws {
        let cookie = try fixture.sessionCookie(#"{"sub":"alice","roles":["editor"]}"#)
        let plan = try #require(
            fixture.decide(post("/actions/createPost", cookie: "theme=dark; \(cookie); lang=en")).plan)
        #expect(plan.headers.values("X-ActionGate-Subject") == ["alice"])
        let claims = try #require(plan.headers.first("X-ActionGate-Claims"))
        #expect(
            try JSONValue(parsing: Base64URL.decode(claims))
                == JSONValue(parsing: #"{"sub":"alice","roles":["editor"]}"#))
        // The session cookie never reaches the upstream; the others do.
        #expect(plan.headers.values("Cookie") == ["theme=dark; lang=en"])
        #expect(plan.audit.subject == "alice")
        #expect(plan.audit.keyIDs == ["3f9a0c12"])
        #expect(plan.audit.policyRule == "signed-in.allow[0]")
    }

    @Test(arguments: ["tampered", "expired", "otherName", "oldKeyRetired", "duplicate"])
    func anInvalidCookieIsAnonymous(_ kind: String) throws {
        let good = try fixture.sessionCookie(#"{"sub":"alice"}"#)
        let cookie: String
        switch kind {
        case "tampered":
            var bytes = Array(good.utf8)
            bytes[bytes.count - 5] = bytes[bytes.count - 5] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            cookie = String(decoding: bytes, as: UTF8.self)
        case "expired":
            cookie = try fixture.sessionCookie(
                #"{"sub":"alice"}"#, iat: GateFixture.now - 9 * 3600, exp: GateFixture.now - 3600)
        case "otherName":
            // Sealed for another cookie name, presented under the session's name.
            let other = try fixture.sessionCookie(#"{"sub":"alice"}"#, cookie: "other")
            cookie = fixture.configuration.session.cookie + "=" + other.dropFirst("other=".count)
        case "oldKeyRetired":
            let token = try SealedToken.seal(
                context: .session(cookieName: fixture.configuration.session.cookie),
                data: .object(["sub": .string("alice")]),
                iat: GateFixture.now, exp: GateFixture.now + 60,
                key: TokenKey(id: 0xdead_beef, secret: Array(repeating: 1, count: 32)))
            cookie = "\(fixture.configuration.session.cookie)=\(token)"
        default:
            cookie = "\(good); \(good)"
        }
        let rejection = try #require(fixture.decide(post("/actions/createPost", cookie: cookie)).rejection)
        #expect(rejection.reason == .unauthenticated)
    }

    @Test func aSessionBeyondMaxAgeIsRefusedEvenWithALaterExpiry() throws {
        let authTime = GateFixture.now - 8 * 86_400
        let token = try SealedToken.seal(
            context: .session(cookieName: fixture.configuration.session.cookie),
            data: .object(["sub": .string("alice")]),
            iat: GateFixture.now - 60, exp: GateFixture.now + 3600, authTime: authTime, key: fixture.keys.active)
        let verdict = fixture.decide(
            post("/actions/createPost", cookie: "\(fixture.configuration.session.cookie)=\(token)"))
        #expect(verdict.outcome == "unauthenticated")
    }

    @Test func policyDeniesANonAdminWith403AndAllowsAnAdmin() throws {
        let user = try fixture.sessionCookie(#"{"sub":"bob","roles":["editor"]}"#)
        #expect(fixture.decide(post("/actions/deleteUser", cookie: user)).outcome == "forbidden")
        let admin = try fixture.sessionCookie(#"{"sub":"carol","roles":["admin"]}"#)
        #expect(fixture.decide(post("/actions/deleteUser", cookie: admin)).outcome == "forward")
        let suspended = try fixture.sessionCookie(#"{"sub":"dave","roles":["admin"],"suspended":true}"#)
        let rejection = try #require(fixture.decide(post("/actions/deleteUser", cookie: suspended)).rejection)
        #expect(rejection.reason == .forbidden)
        #expect(rejection.detail == "policy: admins.deny[0]")
    }

    @Test func shadowModeForwardsAndRecordsTheDenial() throws {
        let plan = try #require(fixture.decide(post("/actions/beta")).plan)
        #expect(plan.audit.shadowDenial == .unauthenticated)
        #expect(plan.audit.action == "beta")
    }

    @Test func slidingRefreshAfterRefreshAfterButNeverPastMaxAge() throws {
        let fresh = try fixture.sessionCookie(#"{"sub":"alice"}"#, iat: GateFixture.now - 600)
        #expect(
            try #require(fixture.decide(post("/actions/createPost", cookie: fresh)).plan).response.setCookies.isEmpty)
        let old = try fixture.sessionCookie(#"{"sub":"alice"}"#, iat: GateFixture.now - 2 * 3600)
        let refreshed = try #require(fixture.decide(post("/actions/createPost", cookie: old)).plan).response.setCookies
        #expect(refreshed.count == 1)
        #expect(refreshed[0].hasPrefix("__Host-actiongate="))
        #expect(refreshed[0].contains("Max-Age=28800; Path=/; Secure; HttpOnly; SameSite=Lax"))
        // Page renders refresh too.
        let page = GateFixture.head("GET", "/dashboard", headers: [("Host", "app.example.com"), ("Cookie", old)])
        #expect(try #require(fixture.decide(page).plan).response.setCookies.count == 1)
    }

    @Test func boundArgumentsOpenForTheirActionOnly() throws {
        let token = try fixture.boundToken(action: "deleteNote", args: #"{"note":42}"#)
        let cookie = try fixture.sessionCookie(#"{"sub":"alice"}"#)
        let plan = try #require(
            fixture.decide(post("/actions/deleteNote", cookie: cookie, extra: [("Action-Bound", token)])).plan)
        #expect(plan.headers.first("X-ActionGate-Bound-Args") == Base64URL.encode(Array(#"{"note":42}"#.utf8)))
        #expect(plan.headers.contains("Action-Bound") == false)
        let other = try fixture.boundToken(action: "createPost", args: #"{"note":42}"#)
        let rejection = try #require(
            fixture.decide(post("/actions/deleteNote", cookie: cookie, extra: [("Action-Bound", other)])).rejection)
        // The session opened before the refusal: its key is named for the metrics and the audit line.
        #expect(
            rejection
                == Rejection(
                    .boundArgsRejected, detail: "bound arguments: bad_tag", action: "deleteNote",
                    sessionKeyID: fixture.keys.active.idHex))
    }

    @Test func twoActionBoundFieldsAreRefusedEvenWhenBothOpen() throws {
        let token = try fixture.boundToken(action: "deleteNote", args: #"{"note":42}"#)
        let cookie = try fixture.sessionCookie(#"{"sub":"alice"}"#)
        let rejection = try #require(
            fixture.decide(
                post("/actions/deleteNote", cookie: cookie, extra: [("Action-Bound", token), ("Action-Bound", token)])
            ).rejection)
        #expect(rejection.reason == .boundArgsRejected)
        #expect(rejection.detail == "bound arguments: multiple_tokens")
    }

    @Test func theSessionCookieIsFoundInAnyCookieField() throws {
        let cookie = try fixture.sessionCookie(#"{"sub":"alice"}"#)
        let plan = try #require(
            fixture.decide(post("/actions/createPost", extra: [("Cookie", "theme=dark"), ("Cookie", cookie)])).plan)
        #expect(plan.audit.subject == "alice")
        // What is left of both fields reaches the upstream as one.
        #expect(plan.headers.values("Cookie") == ["theme=dark"])
        // The session cookie in two fields is as ambiguous as twice in one.
        let twice = fixture.decide(post("/actions/createPost", extra: [("Cookie", cookie), ("Cookie", cookie)]))
        #expect(twice.rejection?.reason == .unauthenticated)
    }

    @Test func requiredBoundArgumentsMustBePresent() throws {
        let cookie = try fixture.sessionCookie(#"{"sub":"alice"}"#)
        #expect(fixture.decide(post("/actions/deleteNote", cookie: cookie)).outcome == "bound_args_rejected")
    }

    @Test func subjectBoundTokensOpenOnlyForThatUser() throws {
        let token = try fixture.boundToken(action: "deleteNote", args: "[1]", subject: "alice")
        let alice = try fixture.sessionCookie(#"{"sub":"alice"}"#)
        let bob = try fixture.sessionCookie(#"{"sub":"bob"}"#)
        #expect(
            fixture.decide(post("/actions/deleteNote", cookie: alice, extra: [("Action-Bound", token)])).outcome
                == "forward")
        #expect(
            fixture.decide(post("/actions/deleteNote", cookie: bob, extra: [("Action-Bound", token)])).outcome
                == "bound_args_rejected")
        let login = try fixture.boundToken(action: "login", args: "[1]", subject: "alice")
        #expect(
            fixture.decide(post("/actions/login", extra: [("Action-Bound", login)])).outcome == "bound_args_rejected")
    }

    @Test func clientIdentityHeadersNeverReachTheUpstream() throws {
        let spoofed: [(String, String)] = [
            ("X-ActionGate-Subject", "admin"), ("x-actiongate-claims", "e30"), ("X_ActionGate_Subject", "admin"),
            ("X-ActionGate-Bound-Args", "e30"), ("x-middleware-subrequest", "middleware"),
            ("X-HTTP-Method-Override", "DELETE"), ("Forwarded", "for=1.2.3.4"), ("X-Forwarded-For", "1.2.3.4"),
            ("Upgrade", "h2c"), ("Connection", "Upgrade, X-Keep"), ("X-Keep", "1"),
        ]
        let plan = try #require(fixture.decide(post("/actions/login", extra: spoofed)).plan)
        for name in [
            "X-ActionGate-Subject", "X-ActionGate-Claims", "X_ActionGate_Subject", "X-ActionGate-Bound-Args",
            "x-middleware-subrequest", "X-HTTP-Method-Override", "Forwarded", "Upgrade", "Connection", "X-Keep",
        ] {
            #expect(!plan.headers.contains(name), "\(name) reached the upstream")
        }
        #expect(plan.headers.values("X-Forwarded-For") == ["203.0.113.9"])
        #expect(plan.headers.values("X-Forwarded-Host") == ["app.example.com"])
        #expect(plan.headers.values("X-Forwarded-Proto") == ["https"])
        #expect(plan.headers.values("X-ActionGate-Action") == ["login"])
        #expect(plan.headers.values("X-ActionGate-Request-Id") == ["req-1"])
    }

    @Test func aTrustedProxyChainNamesTheClient() throws {
        let head = post(
            "/actions/login", extra: [("X-Forwarded-For", "198.51.100.7, 10.0.0.5"), ("X-Forwarded-Proto", "http")],
            peer: "::ffff:10.0.0.1")
        let plan = try #require(fixture.decide(head).plan)
        #expect(plan.audit.clientAddress == "198.51.100.7")
        #expect(plan.headers.values("X-Forwarded-Proto") == ["http"])
    }

    /// A trusted proxy relaying a client it writes as something other than an address (`unknown`,
    /// junk): the client is unknown, so a `source_ip` rule for the proxies' own network does not let
    /// it in (it was the proxy's address, and every such client passed an "internal" rule).
    @Test func aClientTheTrustedProxyCannotNameIsNotTheProxy() throws {
        let yaml = GateFixture.yaml
            .replacingOccurrences(
                of: "- { id: login,",
                with: "- { id: report, path: /actions/report, policy: internal }\n    - { id: login,"
            )
            .replacingOccurrences(
                of: "public: { allow: [ { anyone: true } ] }",
                with: "public: { allow: [ { anyone: true } ] }\n  internal: { allow: [ { source_ip: [10.0.0.0/8] } ] }")
        let fixture = try GateFixture(yaml: yaml)
        func decide(_ forwardedFor: String) -> Verdict {
            fixture.decide(post("/actions/report", extra: [("X-Forwarded-For", forwardedFor)], peer: "10.0.0.1"))
        }
        #expect(decide("10.0.0.7").plan != nil)
        #expect(decide("10.0.0.7:4711").plan != nil)
        for outside in ["203.0.113.9", "203.0.113.9:4711", "[2001:db8::1]:4711", "unknown", "junk, 10.0.0.5", ""] {
            #expect(decide(outside).rejection?.reason == .unauthenticated, "X-Forwarded-For: \(outside)")
        }
    }

    @Test func theSessionHeaderIssuesACookieOnlyForIssuingActions() throws {
        let login = try #require(fixture.decide(post("/actions/login")).plan)
        let upstream = HeaderFields([
            ("Content-Type", "text/html"), ("X-ActionGate-Session", #"{"sub":"alice","roles":["admin"]}"#),
        ])
        let issued = fixture.gate.rewriteResponse(status: 303, headers: upstream, plan: login, now: GateFixture.now)
        #expect(issued.sessionEvent == .issued)
        #expect(!issued.headers.contains("X-ActionGate-Session"))
        #expect(issued.headers.values("Cache-Control") == ["no-store"])
        let cookie = try #require(issued.headers.first("Set-Cookie"))
        // The issued cookie authenticates the next action.
        let value = String(cookie.prefix { $0 != ";" })
        #expect(fixture.decide(post("/actions/createPost", cookie: value)).outcome == "forward")

        let other = try #require(fixture.decide(post("/actions/search")).plan)
        let refused = fixture.gate.rewriteResponse(status: 200, headers: upstream, plan: other, now: GateFixture.now)
        #expect(refused.sessionEvent == .refused(reason: "not_an_issuing_action"))
        #expect(!refused.headers.contains("Set-Cookie"))
        #expect(!refused.headers.contains("X-ActionGate-Session"))
    }

    @Test func clearLogsOutAndUpstreamCookiesCannotOverwriteTheSession() throws {
        let login = try #require(fixture.decide(post("/actions/login")).plan)
        let upstream = HeaderFields([
            ("X-ActionGate-Session", "clear"), ("Set-Cookie", "__Host-actiongate=forged; Path=/"),
            ("Set-Cookie", "theme=dark"),
        ])
        let cleared = fixture.gate.rewriteResponse(status: 200, headers: upstream, plan: login, now: GateFixture.now)
        #expect(cleared.sessionEvent == .cleared)
        #expect(
            cleared.headers.values("Set-Cookie") == [
                "theme=dark", "__Host-actiongate=; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Lax",
            ])
    }

    @Test func claimsWithoutAValidSubIssueNothing() throws {
        let login = try #require(fixture.decide(post("/actions/login")).plan)
        for claims in [
            #"{"roles":["admin"]}"#, #"{"sub":"has space"}"#, #"{"sub":""}"#, "[]", "not json",
            #"{"sub":"\#(String(repeating: "a", count: 257))"}"#,
        ] {
            let result = fixture.gate.rewriteResponse(
                status: 200, headers: HeaderFields([("X-ActionGate-Session", claims)]), plan: login,
                now: GateFixture.now)
            #expect(!result.headers.contains("Set-Cookie"), "\(claims)")
            #expect(result.sessionEvent != .issued)
        }
    }

    @Test func oversizedSessionsAreRefusedAtIssuance() throws {
        let login = try #require(fixture.decide(post("/actions/login")).plan)
        let claims = #"{"sub":"alice","blob":"\#(String(repeating: "x", count: 3000))"}"#
        let result = fixture.gate.rewriteResponse(
            status: 200, headers: HeaderFields([("X-ActionGate-Session", claims)]), plan: login, now: GateFixture.now)
        #expect(result.sessionEvent == .refused(reason: "session_cookie_too_large"))
        #expect(!result.headers.contains("Set-Cookie"))
    }

    /// Numbers past 2^53 are not exact (9007199254740993 became 9007199254740992.0 in the cookie, one
    /// user id passing for another, in policies too), and claims nested 64 deep were sealed into a
    /// cookie whose payload (one level deeper) never opened: both are refused at issuance. The
    /// largest exact integer and 63 levels are issued, and the cookie opens.
    @Test func inexactNumbersAndTooDeepClaimsAreRefusedAtIssuance() throws {
        let login = try #require(fixture.decide(post("/actions/login")).plan)
        func issue(_ claims: String) -> ResponseRewrite {
            fixture.gate.rewriteResponse(
                status: 200, headers: HeaderFields([("X-ActionGate-Session", claims)]), plan: login,
                now: GateFixture.now)
        }
        func nested(_ depth: Int) -> String {
            #"{"sub":"alice","n":"# + String(repeating: "[", count: depth - 1)
                + String(repeating: "]", count: depth - 1)
                + "}"
        }
        for claims in [
            #"{"sub":"alice","uid":9007199254740993}"#, #"{"sub":"alice","ids":[1,-9007199254740992]}"#,
            #"{"sub":"alice","x":{"y":1e300}}"#,
        ] {
            #expect(issue(claims).sessionEvent == .refused(reason: "session_inexact_number"), "\(claims)")
        }
        #expect(issue(nested(64)).sessionEvent == .refused(reason: "session_claims_too_deep"))
        for claims in [#"{"sub":"alice","uid":9007199254740991,"f":0.1}"#, nested(63)] {
            let result = issue(claims)
            #expect(result.sessionEvent == .issued, "\(claims.prefix(60))")
            let cookie = try #require(result.headers.first("Set-Cookie")?.split(separator: ";").first.map(String.init))
            let plan = try #require(fixture.decide(post("/actions/createPost", cookie: cookie)).plan)
            #expect(plan.headers.first("X-ActionGate-Subject") == "alice")
        }
    }

    @Test func actionResponsesAreNotCachedUnlessTheHandlerSaysSo() throws {
        let plan = try #require(fixture.decide(post("/actions/login")).plan)
        #expect(
            fixture.gate.rewriteResponse(status: 200, headers: HeaderFields(), plan: plan, now: GateFixture.now).headers
                .values("Cache-Control") == ["no-store"])
        let own = HeaderFields([("Cache-Control", "private, max-age=5")])
        #expect(
            fixture.gate.rewriteResponse(status: 200, headers: own, plan: plan, now: GateFixture.now).headers.values(
                "Cache-Control") == ["private, max-age=5"])
    }
}
