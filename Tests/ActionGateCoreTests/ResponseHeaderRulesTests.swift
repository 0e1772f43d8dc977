import Testing

@testable import ActionGateCore

@Suite("ResponseHeaderRules")
struct ResponseHeaderRulesTests {
    static let cookie = "__Host-actiongate"

    static func rewrite(
        _ pairs: [(String, String)],
        status: Int = 200,
        isAction: Bool = true,
        setCookies: [String] = []
    ) -> ResponseHeaderRules.Rewrite {
        ResponseHeaderRules.rewrite(
            status: status, headers: HeaderFields(pairs), isAction: isAction, sessionCookieName: cookie,
            gatewaySetCookies: setCookies)
    }

    struct Directive: Sendable, CustomTestStringConvertible {
        var values: [String]
        var directive: SessionDirective?
        var testDescription: String { values.joined(separator: " | ") }
    }

    static let directives: [Directive] = [
        Directive(values: [], directive: nil),
        Directive(values: [#"{"sub":"u1","roles":["a"]}"#], directive: .issue(claims: #"{"sub":"u1","roles":["a"]}"#)),
        Directive(values: [#"  {"sub":"u1"} "#], directive: .issue(claims: #"{"sub":"u1"}"#)),
        Directive(values: ["clear"], directive: .clear),
        Directive(values: [" clear "], directive: .clear),
        Directive(values: ["Clear"], directive: .issue(claims: "Clear")),
        Directive(values: [""], directive: .malformed),
        Directive(values: ["clear", "clear"], directive: .malformed),
        Directive(values: [#"{"sub":"a"}"#, #"{"sub":"b"}"#], directive: .malformed),
    ]

    @Test(arguments: directives)
    func extractsAndStripsTheSessionDirective(_ example: Directive) {
        for name in ["X-ActionGate-Session", "x-actiongate-session", "X-ACTIONGATE-SESSION"] {
            let result = Self.rewrite([("Content-Type", "text/html")] + example.values.map { (name, $0) })
            #expect(result.session == example.directive)
            #expect(!result.headers.contains("X-ActionGate-Session"))
        }
    }

    /// A session directive that was not UTF-8 (held as Latin-1 by the decoder) is malformed, never
    /// read as claims; other Latin-1 fields are kept as they are, flag included.
    @Test func aSessionDirectiveThatIsNotUTF8IsMalformed() {
        let headers = HeaderFields(fields: [
            HeaderFields.Field(name: "X-ActionGate-Session", value: #"{"sub":"\#u{E9}"}"#, isLatin1: true),
            HeaderFields.Field(name: "Content-Disposition", value: "r\u{E9}sum\u{E9}", isLatin1: true),
        ])
        let result = ResponseHeaderRules.rewrite(
            status: 200, headers: headers, isAction: true, sessionCookieName: Self.cookie, gatewaySetCookies: [])
        #expect(result.session == .malformed)
        #expect(result.headers.fields.first { $0.name == "Content-Disposition" }?.isLatin1 == true)
    }

    @Test(arguments: ResponseHeaderRules.stripRules.compactMap(\.example))
    func stripsEveryFamilyInEveryCase(_ example: String) {
        for name in [example, example.uppercased()] {
            let result = Self.rewrite([(name, "1"), ("ETag", "\"x\"")], isAction: false)
            #expect(result.headers == HeaderFields([("ETag", "\"x\"")]), "\(name)")
        }
    }

    /// Next.js middleware internals leave no response (`x-middleware-set-cookie` hands HttpOnly cookies
    /// to page scripts), except `x-middleware-skip`, which the Pages Router reads (unless listed in
    /// `Connection`, like any header).
    @Test func middlewareHeadersAreStrippedButSkip() {
        let result = Self.rewrite(
            [
                ("x-middleware-set-cookie", "sid=secret; HttpOnly"), ("X-Middleware-Rewrite", "/internal"),
                ("x-middleware-skip", "1"), ("x-nextjs-rewrite", "/a"), ("ETag", "e"),
            ], isAction: false)
        #expect(
            result.headers == HeaderFields([("x-middleware-skip", "1"), ("x-nextjs-rewrite", "/a"), ("ETag", "e")]))
        let listed = Self.rewrite([("Connection", "x-middleware-skip"), ("x-middleware-skip", "1")], isAction: false)
        #expect(listed.headers == HeaderFields())
    }

    @Test func stripsWhatConnectionLists() {
        let result = Self.rewrite([("Connection", "X-Internal"), ("x-internal", "1"), ("ETag", "e")], isAction: false)
        #expect(result.headers == HeaderFields([("ETag", "e")]))
    }

    struct Cookies: Sendable, CustomTestStringConvertible {
        var setCookie: String
        var dropped: Bool
        var testDescription: String { setCookie }
    }

    static let cookies: [Cookies] = [
        Cookies(setCookie: "\(cookie)=forged; Path=/; Secure; HttpOnly", dropped: true),
        Cookies(setCookie: " \(cookie) =forged", dropped: true),
        Cookies(setCookie: "__HOST-ACTIONGATE=forged", dropped: true),
        Cookies(setCookie: "\(cookie)=", dropped: true),
        Cookies(setCookie: "theme=dark; Path=/", dropped: false),
        Cookies(setCookie: "\(cookie)2=x", dropped: false),
        // Nameless cookies: a browser sends `=name=value` back as `name=value`, which could plant
        // the session cookie; a value without `=` comes back bare. Both are dropped.
        Cookies(setCookie: "\(cookie)", dropped: true),
        Cookies(setCookie: "=\(cookie)=planted; Path=/", dropped: true),
        Cookies(setCookie: " =theme=dark", dropped: true),
        Cookies(setCookie: "=; Path=/", dropped: true),
    ]

    @Test(arguments: cookies)
    func dropsUpstreamCookiesThatUseTheSessionName(_ example: Cookies) {
        let result = Self.rewrite([("Set-Cookie", example.setCookie), ("set-cookie", "other=1")], isAction: false)
        let expected = (example.dropped ? [] : [example.setCookie]) + ["other=1"]
        #expect(result.headers.values("Set-Cookie") == expected)
    }

    struct Caching: Sendable, CustomTestStringConvertible {
        var label: String
        var status: Int = 200
        var isAction: Bool
        var upstream: [String]
        var setCookies: [String] = []
        var cacheControl: [String]
        var testDescription: String { label }
    }

    static let caching: [Caching] = [
        Caching(label: "action without Cache-Control", isAction: true, upstream: [], cacheControl: ["no-store"]),
        Caching(label: "action keeps its own", isAction: true, upstream: ["max-age=60"], cacheControl: ["max-age=60"]),
        Caching(label: "page keeps none", isAction: false, upstream: [], cacheControl: []),
        Caching(
            label: "page keeps its own", isAction: false, upstream: ["public, max-age=600"],
            cacheControl: ["public, max-age=600"]),
        Caching(
            label: "gateway cookie replaces on a page", isAction: false, upstream: ["public, max-age=600"],
            setCookies: ["s=1"], cacheControl: ["no-store"]),
        Caching(
            label: "gateway cookie replaces on an action", isAction: true, upstream: ["max-age=60", "private"],
            setCookies: ["s=1"], cacheControl: ["no-store"]),
        Caching(
            label: "interim response untouched", status: 103, isAction: true, upstream: [], setCookies: ["s=1"],
            cacheControl: []),
    ]

    @Test(arguments: caching)
    func cacheControl(_ example: Caching) {
        let result = Self.rewrite(
            example.upstream.map { ("Cache-Control", $0) }, status: example.status, isAction: example.isAction,
            setCookies: example.setCookies)
        #expect(result.headers.values("Cache-Control") == example.cacheControl)
        #expect(result.headers.values("Set-Cookie") == (example.status < 200 ? [] : example.setCookies))
    }

    @Test func interimResponsesCarryNoDirective() {
        let result = Self.rewrite([("X-ActionGate-Session", "clear")], status: 100)
        #expect(result.session == nil)
        #expect(result.headers.count == 0)
    }

    @Test func gatewayCookiesFollowTheUpstreamHeaders() throws {
        let issued = try SetCookie.session(name: Self.cookie, value: "tok", maxAge: 3600)
        let result = Self.rewrite(
            [("Content-Type", "text/x-component"), ("Set-Cookie", "\(Self.cookie)=forged"), ("Set-Cookie", "t=1")],
            setCookies: [issued])
        #expect(
            result.headers
                == HeaderFields([
                    ("Content-Type", "text/x-component"), ("Set-Cookie", "t=1"), ("Cache-Control", "no-store"),
                    ("Set-Cookie", issued),
                ]))
    }
}
