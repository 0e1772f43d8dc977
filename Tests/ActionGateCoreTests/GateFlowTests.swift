import ActionGateCore
import ActionGateCrypto
import Testing

/// One or more cases per row of DESIGN.md "Request flow", each compared on the whole outcome.
@Suite struct GateFlowTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let head: RequestHead
        let body: [UInt8]
        let expected: String
        var testDescription: String { name }

        init(_ name: String, _ head: RequestHead, body: String = "", _ expected: String) {
            self.name = name
            self.head = head
            self.body = Array(body.utf8)
            self.expected = expected
        }
    }

    static let h = GateFixture.head
    static let host = ("Host", "app.example.com")
    static let origin = ("Origin", "https://app.example.com")
    static let json = ("Content-Type", "application/json")

    static let cases: [Case] = [
        // 1 (target normalisation; framing is the data plane's)
        Case("dot-dot segment", h("POST", "/actions/../actions/login", nil, [], "203.0.113.9", nil), "malformed_request"),
        Case("encoded slash", h("POST", "/actions%2Flogin", nil, [], "203.0.113.9", nil), "malformed_request"),
        Case("Next.js internal query key", h("GET", "/dashboard?__nextLocale=en", nil, [], "203.0.113.9", nil), "malformed_request"),
        Case("Next.js route parameter key, encoded", h("GET", "/blog/x?nxt%50slug=admin", nil, [], "203.0.113.9", nil), "malformed_request"),
        Case("an ordinary query", h("GET", "/blog/x?slug=a&nxtP=1&_rsc=abc", nil, [], "203.0.113.9", nil), "forward"),
        Case("absolute-form target", h("POST", "http://app.example.com/actions/login", nil, [], "203.0.113.9", nil), "malformed_request"),
        // 2 host
        Case("unknown host", h("POST", "/actions/login", [("Host", "evil.com"), origin, json], [], "203.0.113.9", nil), "unknown_host"),
        Case("two Host fields", h("POST", "/actions/login", [host, host, origin, json], [], "203.0.113.9", nil), "malformed_request"),
        Case("wrong port", h("POST", "/actions/login", [("Host", "app.example.com:8443"), origin, json], [], "203.0.113.9", nil), "unknown_host"),
        Case("X-Forwarded-Host from untrusted peer ignored", h("POST", "/actions/login", nil, [("X-Forwarded-Host", "evil.com")], "203.0.113.9", nil), "forward"),
        Case("X-Forwarded-Host honoured from trusted proxy", h("POST", "/actions/login", nil, [("X-Forwarded-Host", "evil.com")], "10.1.2.3", nil), "unknown_host"),
        Case("trusted proxy names the public host", h("POST", "/actions/login", [("Host", "gateway.internal:8080"), origin, json, ("X-Forwarded-Host", "app.example.com")], [], "10.1.2.3", nil), "forward"),
        // 4 identification
        Case("unknown Next-Action id", h("POST", "/", nil, [("Next-Action", String(repeating: "a", count: 40))], "203.0.113.9", nil), "unknown_action"),
        Case("malformed Next-Action", h("POST", "/", nil, [("Next-Action", "../../etc")], "203.0.113.9", nil), "invalid_action_id"),
        Case("two Next-Action fields", h("POST", "/", nil, [("Next-Action", GateFixture.nextID), ("Next-Action", GateFixture.nextID)], "203.0.113.9", nil), "invalid_action_id"),
        Case("header and path disagree", h("POST", "/actions/login", nil, [("Next-Action", GateFixture.nextID)], "203.0.113.9", nil), "ambiguous_action"),
        Case("known Next-Action id", h("POST", "/some/page", nil, [("Next-Action", GateFixture.nextID)], "203.0.113.9", nil), "forward"),
        // An action's path also in the spellings a lenient upstream router treats as it (case, a
        // trailing slash, ;parameters): still that action, so another name is ambiguous.
        Case("header and a case variant of a path disagree", h("POST", "/actions/DeleteUser", nil, [("Next-Action", GateFixture.nextID)], "203.0.113.9", nil), "ambiguous_action"),
        Case("header and a trailing-slash path disagree", h("POST", "/actions/deleteUser/", nil, [("Next-Action", GateFixture.nextID)], "203.0.113.9", nil), "ambiguous_action"),
        Case("header and a ;parameter path disagree", h("POST", "/actions/deleteUser;x=1", nil, [("Next-Action", GateFixture.nextID)], "203.0.113.9", nil), "ambiguous_action"),
        Case("case variant of an admin action's path", h("POST", "/actions/DELETEUSER/", nil, [], "203.0.113.9", nil), "unauthenticated"),
        Case("a longer path is another path", h("POST", "/actions/deleteUsers", nil, [], "203.0.113.9", nil), "unknown_action"),
        Case("POST naming nothing on an actions route", h("POST", "/some/page", nil, [], "203.0.113.9", nil), "unknown_action"),
        Case("DELETE naming nothing", h("DELETE", "/some/page", nil, [], "203.0.113.9", nil), "unknown_action"),
        // 5 method
        Case("GET on an action", h("GET", "/actions/login", nil, [], "203.0.113.9", nil), "method_not_allowed"),
        Case("HEAD on an action", h("HEAD", "/actions/login", nil, [], "203.0.113.9", nil), "method_not_allowed"),
        Case("PUT on an action", h("PUT", "/actions/login", nil, [], "203.0.113.9", nil), "method_not_allowed"),
        Case("OPTIONS on an action", h("OPTIONS", "/actions/login", nil, [], "203.0.113.9", nil), "method_not_allowed"),
        Case("lower-case post", h("post", "/actions/login", nil, [], "203.0.113.9", nil), "method_not_allowed"),
        Case("method override is not a method", h("GET", "/actions/login", nil, [("X-HTTP-Method-Override", "POST")], "203.0.113.9", nil), "method_not_allowed"),
        // 6 content type
        Case("image/png", h("POST", "/actions/login", [host, origin, ("Content-Type", "image/png")], [], "203.0.113.9", 10), body: "0123456789", "unsupported_content_type"),
        Case("body without content type", h("POST", "/actions/login", [host, origin], [], "203.0.113.9", 2), body: "{}", "unsupported_content_type"),
        Case("json with charset", h("POST", "/actions/login", [host, origin, ("Content-Type", "application/json; charset=utf-8")], [], "203.0.113.9", 2), body: "{}", "forward"),
        // 7 origin
        Case("Origin: null", h("POST", "/actions/login", [host, ("Origin", "null"), json], [], "203.0.113.9", nil), "origin_rejected"),
        Case("two Origin fields", h("POST", "/actions/login", [host, origin, origin, json], [], "203.0.113.9", nil), "malformed_origin"),
        Case("cross-site origin", h("POST", "/actions/login", [host, ("Origin", "https://evil.com"), json], [], "203.0.113.9", nil), "origin_rejected"),
        Case("http origin for an https app", h("POST", "/actions/login", [host, ("Origin", "http://app.example.com"), json], [], "203.0.113.9", nil), "origin_rejected"),
        Case("malformed origin", h("POST", "/actions/login", [host, ("Origin", "https://app.example.com/path"), json], [], "203.0.113.9", nil), "malformed_origin"),
        Case("missing origin", h("POST", "/actions/login", [host, json], [], "203.0.113.9", nil), "origin_rejected"),
        Case("missing origin, same-origin fetch", h("POST", "/actions/login", [host, json, ("Sec-Fetch-Site", "same-origin")], [], "203.0.113.9", nil), "forward"),
        Case("missing origin, cross-site fetch", h("POST", "/actions/login", [host, json, ("Sec-Fetch-Site", "cross-site")], [], "203.0.113.9", nil), "origin_rejected"),
        Case("missing origin, two Sec-Fetch-Site fields", h("POST", "/actions/login", [host, json, ("Sec-Fetch-Site", "same-origin"), ("Sec-Fetch-Site", "cross-site")], [], "203.0.113.9", nil), "origin_rejected"),
        Case("missing origin, Sec-Fetch-Site twice the same", h("POST", "/actions/login", [host, json, ("Sec-Fetch-Site", "same-origin"), ("sec-fetch-site", "same-origin")], [], "203.0.113.9", nil), "origin_rejected"),
        Case("missing origin allowed, two Sec-Fetch-Site fields", h("POST", "/actions/search", [host, json, ("Sec-Fetch-Site", "same-origin"), ("Sec-Fetch-Site", "cross-site")], [], "203.0.113.9", nil), "forward"),
        Case("missing origin allowed by the action", h("POST", "/actions/search", [host, json], [], "203.0.113.9", nil), "forward"),
        Case("default port is the same origin", h("POST", "/actions/login", [host, ("Origin", "https://APP.example.com:443"), json], [], "203.0.113.9", nil), "forward"),
        // 8 body limit (createPost: 256 bytes)
        Case("declared length over the limit", h("POST", "/actions/createPost", nil, [], "203.0.113.9", 257), "body_too_large"),
        Case("body over the limit", h("POST", "/actions/createPost", nil, [], "203.0.113.9", nil).withChunkedBody(), body: String(repeating: "x", count: 300), "body_too_large"),
        // 10 policy
        Case("signed-in action without a session", h("POST", "/actions/createPost", nil, [], "203.0.113.9", nil), "unauthenticated"),
        Case("admin action without a session", h("POST", "/actions/deleteUser", nil, [], "203.0.113.9", nil), "unauthenticated"),
        Case("public action", h("POST", "/actions/login", nil, [], "203.0.113.9", nil), "forward"),
        // passthrough routes
        Case("static file", h("GET", "/_next/static/app.js", [host], [], "203.0.113.9", nil), "forward"),
        Case("POST to a GET-only passthrough", h("POST", "/_next/static/app.js", nil, [], "203.0.113.9", 2), body: "{}", "method_not_allowed"),
        Case("page render", h("GET", "/dashboard?tab=1", [host], [], "203.0.113.9", nil), "forward"),
        Case("page render with a body", h("GET", "/dashboard", [host, json], [], "203.0.113.9", 2), body: "{}", "malformed_request"),
        Case("unreadable content type on an unidentified body", h("POST", "/uploads/x", [host, ("Content-Type", "multipart/form-data;;")], [], "203.0.113.9", 2), body: "{}", "malformed_request"),
        Case("multipart/form-data2 is a form to Next.js", h("POST", "/uploads/x", [host, ("Content-Type", "multipart/form-data2; boundary=X")], [], "203.0.113.9", 2), body: "{}", "malformed_request"),
        Case("multipart/form-data-x is a form to busboy", h("POST", "/uploads/x", [host, ("Content-Type", "multipart/form-data-x; boundary=X")], [], "203.0.113.9", 2), body: "{}", "malformed_request"),
        Case("boundary*= frames another body upstream", h("POST", "/uploads/x", [host, ("Content-Type", "multipart/form-data; boundary*=utf-8''A; boundary=B")], [], "203.0.113.9", 59), body: "--B\r\nContent-Disposition: form-data; name=\"t\"\r\n\r\nx\r\n--B--\r\n", "malformed_request"),
        Case("the same body framed by boundary= alone passes", h("POST", "/uploads/x", [host, ("Content-Type", "multipart/form-data; boundary=B")], [], "203.0.113.9", 59), body: "--B\r\nContent-Disposition: form-data; name=\"t\"\r\n\r\nx\r\n--B--\r\n", "forward"),
    ]

    @Test(arguments: cases)
    func flow(_ c: Case) throws {
        let fixture = try GateFixture()
        #expect(fixture.decide(c.head, body: c.body).outcome == c.expected)
    }

    @Test func methodNotAllowedSaysAllowPost() throws {
        let fixture = try GateFixture()
        let rejection = try #require(fixture.decide(GateFixture.head("GET", "/actions/login")).rejection)
        #expect(rejection == Rejection(.methodNotAllowed, headers: HeaderFields([("Allow", "POST")]), action: "login"))
        #expect(rejection.status == 405)
    }

    @Test func unknownNextActionGetsTheNextJSHeader() throws {
        let fixture = try GateFixture()
        let head = GateFixture.head("POST", "/", adding: [("Next-Action", String(repeating: "b", count: 42))])
        let rejection = try #require(fixture.decide(head).rejection)
        #expect(rejection.status == 404)
        #expect(rejection.headers.first("x-nextjs-action-not-found") == "1")
    }

    @Test func declaredOversizeIsRefusedBeforeAnyBodyIsRead() throws {
        let fixture = try GateFixture()
        let verdict = fixture.gate.evaluateHead(GateFixture.head("POST", "/actions/createPost", bodyLength: 1 << 20), now: GateFixture.now)
        #expect(verdict == .reject(Rejection(.bodyTooLarge, action: "createPost")))
    }

    @Test func actionBodiesAreReadWithinTheActionLimit() throws {
        let fixture = try GateFixture()
        guard case .needBody(let pending) = fixture.gate.evaluateHead(
            GateFixture.head("POST", "/actions/createPost", bodyLength: 10), now: GateFixture.now)
        else { Issue.record("expected needBody"); return }
        #expect(pending.limit == 256)
    }

    @Test func passthroughBodiesStreamWithinTheRouteLimit() throws {
        let fixture = try GateFixture()
        let head = GateFixture.head("POST", "/uploads/a.bin", headers: [("Host", "app.example.com"), ("Content-Type", "application/octet-stream")], bodyLength: 5)
        let plan = try #require(fixture.decide(head).plan)
        #expect(plan.body == .stream(limit: 1 << 20))
        #expect(plan.response.isAction == false)
    }

    @Test func noRouteIs404() throws {
        let yaml = GateFixture.yaml.replacingOccurrences(of: "  - { path_prefix: /, upstream: app, mode: actions }\n", with: "")
        let fixture = try GateFixture(yaml: yaml)
        #expect(fixture.decide(GateFixture.head("GET", "/dashboard")).outcome == "no_route")
    }
}

extension RequestHead {
    /// The same head, as a chunked request (a body of unknown length).
    func withChunkedBody() -> RequestHead {
        var copy = self
        copy.contentLength = nil
        copy.hasBody = true
        return copy
    }
}
