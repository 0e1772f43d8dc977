import Testing

@testable import ActionGateCore

/// A table of broken configurations: each has exactly one error, reported as `file:line: key: message`.
@Suite struct ConfigurationBrokenTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var yaml: String
        var files: [String: String] = [:]
        /// `config.yaml:8: limits.max_body` — the file name relative to /etc/actiongate, line and key.
        var location: String
        var message: String
        var testDescription: String { name }
    }

    static let base = ConfigurationFixture.minimal  // additions start at line 8
    static let good = "policies:\n  p: { allow: [ { anyone: true } ] }\n"  // adds lines 8–9

    /// `minimal` with line `number` (1-based) replaced.
    static func replacing(line number: Int, with text: String) -> String {
        var lines = base.components(separatedBy: "\n")
        lines[number - 1] = text
        return lines.joined(separator: "\n")
    }

    static func withActions(_ list: String, extra: String = "") -> String {
        base + "actions:\n" + extra + "  list:\n" + list + "\n" + good
    }

    static let id40 = String(repeating: "a1", count: 20)

    static let cases: [Case] = [
        Case(
            name: "unknown top-level key", yaml: base + "listn: 0.0.0.0:8080\n", location: "config.yaml:8: listn",
            message: "unknown key; expected one of listen, admin, public_origins"),
        Case(
            name: "section of the wrong type", yaml: base + "limits: 5\n", location: "config.yaml:8: limits",
            message: "expected a mapping with keys max_body, max_header_bytes"),
        Case(
            name: "unknown nested key", yaml: base + "session:\n  cookiee: x\n",
            location: "config.yaml:9: session.cookiee",
            message: "unknown key; expected one of cookie, ttl, refresh_after, max_age, secure, clock_skew"),
        Case(
            name: "ambiguous size unit", yaml: base + "limits: { max_body: 1MB }\n",
            location: "config.yaml:8: limits.max_body",
            message: "unit 'MB' is not supported; use B, KiB"),
        Case(
            name: "duration without unit", yaml: base + "session: { ttl: 8 }\n", location: "config.yaml:8: session.ttl",
            message: "a duration needs a unit"),
        Case(
            name: "zero duration", yaml: base + "limits: { body_timeout: 0s }\n",
            location: "config.yaml:8: limits.body_timeout",
            message: "must be longer than zero"),
        Case(
            name: "CIDR with host bits", yaml: base + "trusted_proxies: [10.0.0.1/8]\n",
            location: "config.yaml:8: trusted_proxies[0]", message: "did you mean 10.0.0.0/8?"),
        Case(
            name: "not a CIDR", yaml: base + "trusted_proxies:\n  - 10.0.0.0/8\n  - intranet\n",
            location: "config.yaml:10: trusted_proxies[1]", message: "expected an IPv4 or IPv6 network"),
        Case(
            name: "trusted_proxies not a list", yaml: base + "trusted_proxies: 10.0.0.0/8\n",
            location: "config.yaml:8: trusted_proxies", message: "expected a list of networks"),
        Case(
            name: "public origin with a path",
            yaml: replacing(line: 1, with: "public_origins: [https://app.example.com/]"),
            location: "config.yaml:1: public_origins[0]", message: "an origin has no path"),
        Case(
            name: "public origin without scheme", yaml: replacing(line: 1, with: "public_origins: [app.example.com]"),
            location: "config.yaml:1: public_origins[0]", message: "no scheme"),
        Case(
            name: "public origin listed twice",
            yaml: replacing(line: 1, with: "public_origins: [https://a.example.com, https://A.example.com:443]"),
            location: "config.yaml:1: public_origins[1]", message: "listed twice"),
        Case(
            name: "no public origins", yaml: replacing(line: 1, with: "public_origins: []"),
            location: "config.yaml:1: public_origins", message: "the list is empty"),
        Case(
            name: "missing public_origins", yaml: replacing(line: 1, with: "# none"),
            location: "config.yaml:2: public_origins",
            message: "required: the gateway's own origins"),
        Case(
            name: "https upstream", yaml: replacing(line: 4, with: "  app: { url: https://127.0.0.1:3000 }"),
            location: "config.yaml:4: upstreams.app.url", message: "https upstreams are not supported yet"),
        Case(
            name: "upstream URL with a path",
            yaml: replacing(line: 4, with: "  app: { url: http://127.0.0.1:3000/api }"),
            location: "config.yaml:4: upstreams.app.url", message: "without a path"),
        Case(
            name: "upstream without url", yaml: replacing(line: 4, with: "  app: { timeout: 5s }"),
            location: "config.yaml:4: upstreams.app.url", message: "required"),
        Case(
            name: "unknown upstream key", yaml: replacing(line: 4, with: "  app: { url: http://a:1, pool: 5 }"),
            location: "config.yaml:4: upstreams.app.pool",
            message: "unknown key; expected one of url, max_connections"),
        Case(
            name: "unknown upstream in a route", yaml: replacing(line: 6, with: "  - { path_prefix: /, upstream: ap }"),
            location: "config.yaml:6: routes[0].upstream", message: "unknown upstream; expected one of app"),
        Case(
            name: "identical route prefixes", yaml: base + "  - { path_prefix: /, upstream: app, mode: passthrough }\n",
            location: "config.yaml:8: routes[1].path_prefix",
            message: "the same prefix as routes[0]; each may appear once"),
        Case(
            name: "unknown route mode",
            yaml: replacing(line: 6, with: "  - { path_prefix: /, upstream: app, mode: proxy }"),
            location: "config.yaml:6: routes[0].mode", message: "expected actions or passthrough"),
        Case(
            name: "methods on an actions route",
            yaml: replacing(line: 6, with: "  - { path_prefix: /, upstream: app, methods: [GET] }"),
            location: "config.yaml:6: routes[0].methods", message: "only passthrough routes take methods"),
        Case(
            name: "lower-case method",
            yaml: replacing(line: 6, with: "  - { path_prefix: /, upstream: app, mode: passthrough, methods: [get] }"),
            location: "config.yaml:6: routes[0].methods[0]", message: "upper-case"),
        Case(
            name: "route prefix without slash",
            yaml: replacing(line: 6, with: "  - { path_prefix: api, upstream: app }"),
            location: "config.yaml:6: routes[0].path_prefix", message: "expected a path starting with /"),
        Case(
            name: "route prefix with dot segments",
            yaml: replacing(line: 6, with: "  - { path_prefix: /a/../b, upstream: app }"),
            location: "config.yaml:6: routes[0].path_prefix", message: "expected a path starting with /"),
        Case(
            name: "__Host- cookie without Secure", yaml: base + "session:\n  secure: false\n",
            location: "config.yaml:9: session.secure", message: "rename the cookie (e.g. cookie: actiongate)"),
        Case(
            name: "__host- (any case) cookie without Secure",
            yaml: base + "session:\n  cookie: __host-ag\n  secure: false\n",
            location: "config.yaml:10: session.secure", message: "browsers refuse a __Host- cookie without Secure"),
        Case(
            name: "__SECURE- cookie without Secure", yaml: base + "session:\n  cookie: __SECURE-ag\n  secure: false\n",
            location: "config.yaml:10: session.secure", message: "browsers refuse a __Secure- cookie without Secure"),
        Case(
            name: "refresh after the token expired", yaml: base + "session: { ttl: 1h, refresh_after: 2h }\n",
            location: "config.yaml:8: session.refresh_after", message: "must be shorter than ttl (1h)"),
        Case(
            name: "ttl beyond max_age", yaml: base + "session: { ttl: 8d }\n", location: "config.yaml:8: session.ttl",
            message: "must not be longer than max_age (7d)"),
        Case(
            name: "huge clock skew", yaml: base + "session: { clock_skew: 1h }\n",
            location: "config.yaml:8: session.clock_skew", message: "at most 10m"),
        Case(
            name: "cookie name with a space", yaml: base + "session: { cookie: \"my cookie\" }\n",
            location: "config.yaml:8: session.cookie", message: "expected a cookie name"),
        Case(
            name: "quoted boolean", yaml: base + "session: { secure: \"true\" }\n",
            location: "config.yaml:8: session.secure",
            message: "expected true or false (unquoted)"),
        Case(
            name: "YAML 1.1 boolean", yaml: base + "session: { secure: yes }\n",
            location: "config.yaml:8: session.secure",
            message: "expected true or false"),
        Case(
            name: "explicit tag", yaml: base + "limits: { max_connections: !!int 5 }\n",
            location: "config.yaml:8: limits.max_connections", message: "explicit YAML tags are not supported"),
        Case(
            name: "zero connections", yaml: base + "limits: { max_connections: 0 }\n",
            location: "config.yaml:8: limits.max_connections", message: "a whole number from 1 to 1000000"),
        Case(
            name: "body limit above the buffer cap", yaml: base + "limits: { max_body: 128MiB }\n",
            location: "config.yaml:8: limits.max_body", message: "must not exceed max_buffered_body_bytes (64MiB)"),
        Case(
            name: "buffered bodies beyond 1GiB (one buffer traps at 4 GiB)",
            yaml: base + "limits: { max_buffered_body_bytes: 5GiB }\n",
            location: "config.yaml:8: limits.max_buffered_body_bytes", message: "at most 1GiB"),
        Case(
            name: "tiny header limit", yaml: base + "limits: { max_header_bytes: 100 }\n",
            location: "config.yaml:8: limits.max_header_bytes", message: "between 1KiB and 1MiB"),
        Case(
            name: "zero bound-args size", yaml: base + "bound_args: { max_size: 0 }\n",
            location: "config.yaml:8: bound_args.max_size", message: "must be larger than zero"),
        Case(
            name: "bad listen address", yaml: base + "listen: 8080\n", location: "config.yaml:8: listen",
            message: "expected host:port"),
        Case(
            name: "listen on a host name", yaml: base + "listen: example.com:80\n", location: "config.yaml:8: listen",
            message: "must be an IP address or localhost"),
        Case(
            name: "bad admin port", yaml: base + "admin: { listen: 127.0.0.1:99999 }\n",
            location: "config.yaml:8: admin.listen",
            message: "the port must be a number from 0 to 65535"),
        Case(
            name: "unset environment variable", yaml: replacing(line: 2, with: "keyring: ${NOPE}/keys.json"),
            location: "config.yaml:2: keyring", message: "environment variable NOPE is not set"),
        Case(
            name: "malformed environment reference", yaml: replacing(line: 2, with: "keyring: ${A-B}/keys.json"),
            location: "config.yaml:2: keyring", message: "must name an environment variable"),
        Case(
            name: "YAML syntax error", yaml: base + "session: { ttl: 1h\n", location: "config.yaml:9",
            message: "invalid YAML"),
        Case(
            name: "duplicate YAML key", yaml: base + "keyring: ./other.json\n", location: "config.yaml:2",
            message: "duplicate key (keyring)"),
        Case(name: "empty file", yaml: "", location: "config.yaml:1", message: "the file is empty"),
        Case(
            name: "a list at the top", yaml: "- a\n- b\n", location: "config.yaml:1",
            message: "expected a mapping with keys listen, admin"),
        Case(
            name: "allowed origins file refusal", yaml: base + "allowed_origins_file: allowed-origins.txt\n",
            files: ["/etc/actiongate/allowed-origins.txt": "https://ok.example.com\nhttps://*.com\n"],
            location: "allowed-origins.txt:2", message: "the wildcard covers every site under the public suffix com"),
        Case(
            name: "allowed origins file missing", yaml: base + "allowed_origins_file: allowed-origins.txt\n",
            location: "config.yaml:8: allowed_origins_file",
            message: "cannot read /etc/actiongate/allowed-origins.txt: no such file"),
    ]

    @Test(arguments: cases)
    func reportsOneErrorWithFileLineAndKey(_ testCase: Case) {
        let issues = ConfigurationFixture.issues(testCase.yaml, files: testCase.files).filter {
            !$0.contains("warning:")
        }
        #expect(issues.count == 1, "\(issues)")
        guard let issue = issues.first else { return }
        #expect(issue.hasPrefix("/etc/actiongate/" + testCase.location + ": "), "\(issue)")
        #expect(issue.contains(testCase.message), "\(issue)")
    }
}

@Test func configurationErrorsDescribeThemselvesAsFileLineMessages() {
    let error = ConfigurationError.invalid([
        ConfigurationIssue(file: "/etc/ag/config.yaml", line: 3, key: "routes", message: "expected a list"),
        ConfigurationIssue(file: "/etc/ag/config.yaml", line: 9, key: "listen", message: "bad port"),
    ])
    #expect(String(describing: error) == "/etc/ag/config.yaml:3: routes: expected a list\n/etc/ag/config.yaml:9: listen: bad port")
}
