import Testing

@testable import ActionGateCore

/// Broken `actions:` and `policies:` sections, the manifest import, and reporting everything at once.
@Suite struct ConfigurationActionsTests {
    typealias Case = ConfigurationBrokenTests.Case

    static let base = ConfigurationFixture.minimal  // additions start at line 8
    static let manifestPath = "/etc/actiongate/manifest.json"
    static let id40 = String(repeating: "a1", count: 20)
    static let id42 = "00" + String(repeating: "b2", count: 20)

    static func config(actions: String, policies: String = "  p: { allow: [ { anyone: true } ] }") -> String {
        base + "actions:\n" + actions + "\npolicies:\n" + policies + "\n"
    }

    static let cases: [Case] = [
        Case(
            name: "duplicate action id",
            yaml: config(actions: "  list:\n    - { id: a, policy: p }\n    - { id: a, policy: p }"),
            location: "config.yaml:11: actions.list[1].id", message: "the same id as actions.list[0]"),
        Case(
            name: "duplicate action path",
            yaml: config(
                actions: "  list:\n    - { id: a, path: /x, policy: p }\n    - { id: b, path: /x, policy: p }"),
            location: "config.yaml:11: actions.list[1].path", message: "the same path as actions.list[0]"),
        Case(
            name: "action paths differing only in case or a trailing slash",
            yaml: config(
                actions:
                    "  list:\n    - { id: a, path: /x/Delete, policy: p }\n    - { id: b, path: /x/delete/, policy: p }"
            ),
            location: "config.yaml:11: actions.list[1].path",
            message: "differs from actions.list[0]'s path only in case"),
        Case(
            name: "unknown policy", yaml: config(actions: "  list:\n    - { id: a, policy: admins }"),
            location: "config.yaml:10: actions.list[0].policy", message: "unknown policy; expected one of p"),
        Case(
            name: "no policy and no default", yaml: config(actions: "  list:\n    - { id: a }"),
            location: "config.yaml:10: actions.list[0].policy", message: "no policy, and no actions.default_policy"),
        Case(
            name: "unknown default policy",
            yaml: config(actions: "  default_policy: nobody\n  list:\n    - { id: a, policy: p }"),
            location: "config.yaml:9: actions.default_policy", message: "unknown policy"),
        Case(
            name: "action without id", yaml: config(actions: "  list:\n    - { policy: p }"),
            location: "config.yaml:10: actions.list[0].id", message: "required"),
        Case(
            name: "action id with a space", yaml: config(actions: "  list:\n    - { id: \"a b\", policy: p }"),
            location: "config.yaml:10: actions.list[0].id", message: "action ids use letters, digits"),
        Case(
            name: "relative action path", yaml: config(actions: "  list:\n    - { id: a, path: actions/a, policy: p }"),
            location: "config.yaml:10: actions.list[0].path", message: "expected an exact path starting with /"),
        Case(
            name: "action path with a query",
            yaml: config(actions: "  list:\n    - { id: a, path: /a?x=1, policy: p }"),
            location: "config.yaml:10: actions.list[0].path", message: "expected an exact path starting with /"),
        Case(
            name: "unknown action key", yaml: config(actions: "  list:\n    - { id: a, policy: p, shadow: true }"),
            location: "config.yaml:10: actions.list[0].shadow", message: "unknown key; expected one of id, path, policy"
        ),
        Case(
            name: "bad content type",
            yaml: config(actions: "  list:\n    - { id: a, policy: p, content_types: [json] }"),
            location: "config.yaml:10: actions.list[0].content_types[0]", message: "expected a media type"),
        Case(
            name: "content type with parameters",
            yaml: config(
                actions: "  list:\n    - { id: a, policy: p, content_types: [\"text/plain; charset=utf-8\"] }"),
            location: "config.yaml:10: actions.list[0].content_types[0]", message: "without parameters"),
        Case(
            name: "action body above the buffer cap",
            yaml: config(actions: "  list:\n    - { id: a, policy: p, max_body: 1GiB }"),
            location: "config.yaml:10: actions.list[0].max_body",
            message: "must not exceed limits.max_buffered_body_bytes"),
        Case(
            name: "bad bound_args", yaml: config(actions: "  list:\n    - { id: a, policy: p, bound_args: always }"),
            location: "config.yaml:10: actions.list[0].bound_args", message: "expected required or optional"),
        Case(
            name: "bad missing_origin", yaml: config(actions: "  missing_origin: maybe\n  list: []"),
            location: "config.yaml:9: actions.missing_origin", message: "expected reject or allow"),
        Case(
            name: "unknown actions mode", yaml: config(actions: "  unknown: forward"),
            location: "config.yaml:9: actions.unknown", message: "expected reject"),
        Case(
            name: "empty policy", yaml: config(actions: "  list: []", policies: "  p: {}"),
            location: "config.yaml:11: policies.p.allow", message: "needs at least one allow rule"),
        Case(
            name: "policy with an empty allow list",
            yaml: config(actions: "  list: []", policies: "  p: { allow: [] }"),
            location: "config.yaml:11: policies.p.allow", message: "needs at least one allow rule"),
        Case(
            name: "deny-only policy",
            yaml: config(actions: "  list: []", policies: "  p: { deny: [ { anyone: true } ] }"),
            location: "config.yaml:11: policies.p.allow", message: "needs at least one allow rule"),
        Case(
            name: "unknown policy key",
            yaml: config(actions: "  list: []", policies: "  p: { allow: [ { anyone: true } ], permit: [] }"),
            location: "config.yaml:11: policies.p.permit", message: "unknown key; expected one of allow, deny"),
        Case(
            name: "unknown criterion",
            yaml: config(actions: "  list: []", policies: "  p: { allow: [ { role: admin } ] }"),
            location: "config.yaml:11: policies.p.allow[0].role",
            message: "unknown criterion; expected one of anyone, authenticated, subject, claims, source_ip"),
        Case(
            name: "a claim number beyond 2^53",
            yaml: config(actions: "  list: []", policies: "  p: { allow: [ { claims: { uid: 9007199254740993 } } ] }"),
            location: "config.yaml:11: policies.p.allow[0].claims.uid",
            message: "9007199254740993 is beyond 2^53, where numbers are no longer exact"),
        Case(
            name: "empty rule", yaml: config(actions: "  list: []", policies: "  p: { allow: [ {} ] }"),
            location: "config.yaml:11: policies.p.allow[0]", message: "a rule needs at least one criterion"),
        Case(
            name: "anyone false",
            yaml: config(actions: "  list: []", policies: "  p: { allow: [ { anyone: false } ] }"),
            location: "config.yaml:11: policies.p.allow[0].anyone", message: "only anyone: true is supported"),
        Case(
            name: "authenticated not a boolean",
            yaml: config(actions: "  list: []", policies: "  p: { allow: [ { authenticated: yes } ] }"),
            location: "config.yaml:11: policies.p.allow[0].authenticated", message: "expected true or false"),
        Case(
            name: "empty subject list",
            yaml: config(actions: "  list: []", policies: "  p: { allow: [ { subject: [] } ] }"),
            location: "config.yaml:11: policies.p.allow[0].subject", message: "list at least one subject"),
        Case(
            name: "subject not a list",
            yaml: config(actions: "  list: []", policies: "  p: { allow: [ { subject: alice } ] }"),
            location: "config.yaml:11: policies.p.allow[0].subject", message: "expected a list of subjects"),
        Case(
            name: "bad source_ip",
            yaml: config(actions: "  list: []", policies: "  p: { allow: [ { source_ip: [10.0.0.0/33] } ] }"),
            location: "config.yaml:11: policies.p.allow[0].source_ip[0]", message: "from 0 to 32"),
        Case(
            name: "empty claims", yaml: config(actions: "  list: []", policies: "  p: { allow: [ { claims: {} } ] }"),
            location: "config.yaml:11: policies.p.allow[0].claims", message: "name at least one"),
        Case(
            name: "null claim value",
            yaml: config(actions: "  list: []", policies: "  p: { allow: [ { claims: { role: } } ] }"),
            location: "config.yaml:11: policies.p.allow[0].claims.role", message: "expected a string, number or boolean"
        ),
        Case(
            name: "nested claim value",
            yaml: config(actions: "  list: []", policies: "  p: { allow: [ { claims: { role: { a: b } } } ] }"),
            location: "config.yaml:11: policies.p.allow[0].claims.role", message: "expected a string, number or boolean"
        ),
        Case(
            name: "empty claim value list",
            yaml: config(actions: "  list: []", policies: "  p: { allow: [ { claims: { role: [] } } ] }"),
            location: "config.yaml:11: policies.p.allow[0].claims.role", message: "list at least one accepted value"),
        Case(
            name: "manifest with a bad id",
            yaml: config(actions: "  default_policy: p\n  nextjs_manifest: manifest.json"),
            files: [manifestPath: #"{"node": {"not-an-id": {}}, "edge": {}}"#],
            location: "manifest.json",
            message: "not Next.js action ids (40 or 42 lowercase hex characters): not-an-id"),
        Case(
            name: "manifest that is not JSON",
            yaml: config(actions: "  default_policy: p\n  nextjs_manifest: manifest.json"),
            files: [manifestPath: "<html>"], location: "manifest.json", message: "not valid JSON"),
        Case(
            name: "manifest without a default policy",
            yaml: config(actions: "  nextjs_manifest: manifest.json\n  list: [ { id: a, policy: p } ]"),
            files: [manifestPath: #"{"node": {"\#(id40)": {}}}"#],
            location: "config.yaml:9: actions.nextjs_manifest", message: "imported actions get actions.default_policy"),
        Case(
            name: "manifest missing",
            yaml: config(actions: "  default_policy: p\n  nextjs_manifest: manifest.json"),
            location: "config.yaml:10: actions.nextjs_manifest", message: "build the app first"),
        Case(
            name: "manifest id also configured",
            yaml: config(
                actions: "  default_policy: p\n  nextjs_manifest: manifest.json\n  list:\n    - { id: \(id40) }"),
            files: [manifestPath: #"{"node": {"\#(id40)": {}}}"#],
            location: "config.yaml:12: actions.list[0].id", message: "also in the Next.js manifest"),
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

    @Test func manifestIdsBecomeActionsWithTheDefaultPolicy() throws {
        let manifest = #"{"node": {"\#(Self.id40)": {}, "\#(Self.id42)": {}}, "edge": {"\#(Self.id40)": {}}}"#
        let config = try ConfigurationFixture.load(
            Self.config(
                actions: "  default_policy: p\n  nextjs_manifest: manifest.json\n  list: [ { id: login, policy: p } ]"),
            files: [Self.manifestPath: manifest])
        #expect(config.actions.list.map(\.id) == ["login", Self.id42, Self.id40])
        #expect(config.actions.manifestCount == 2)
        #expect(config.action(id: Self.id42)?.policy.name == "p")
        #expect(config.actions.nextjsManifest == Self.manifestPath)
    }

    @Test func reportsEveryErrorAtOnceInFileOrder() {
        let yaml = """
            public_origins: [https://app.example.com/]
            keyring: ./keys.json
            upstreams:
              app: { url: https://127.0.0.1:3000 }
            routes:
              - { path_prefix: /, upstream: app }
              - { path_prefix: /, upstream: nowhere }
            limits: { max_body: 1mb, idle_timeout: forever }
            session: { cookie: __Host-x, secure: false, tll: 1h }
            actions:
              list:
                - { id: a, policy: missing }
                - { id: a, policy: p }
            policies:
              p: { allow: [ { claims: { roles: admin } } ] }
              unused: { allow: [ { anyone: true } ] }
            """
        // Each issue as (line, key and message), after the common file prefix.
        let issues = ConfigurationFixture.issues(yaml).map {
            $0.replacingOccurrences(of: "/etc/actiongate/config.yaml:", with: "")
        }
        #expect(
            issues == [
                "1: public_origins[0]: an origin has no path: remove everything from the first / after the host",
                "4: upstreams.app.url: https upstreams are not supported yet; reach the upstream over http on "
                    + "loopback or a private network",
                "7: routes[1].path_prefix: the same prefix as routes[0]; each may appear once",
                "7: routes[1].upstream: unknown upstream; expected one of app",
                "8: limits.max_body: unit 'mb' is not supported; use B, KiB (1024), MiB (1024²) or GiB (1024³)",
                "8: limits.idle_timeout: expected a duration like 500ms, 30s, 10m, 8h, 7d or 1h30m",
                "9: session.tll: unknown key; expected one of cookie, ttl, refresh_after, max_age, secure, clock_skew",
                "9: session.secure: browsers refuse a __Host- cookie without Secure: rename the cookie "
                    + "(e.g. cookie: actiongate) for local plain-HTTP work, or set secure: true",
                "12: actions.list[0].policy: unknown policy; expected one of p, unused",
                "16: warning: policies.unused: not used by any action",
            ])
    }

    @Test func aPolicyNobodyUsesIsAWarningOnly() throws {
        let config = try ConfigurationFixture.load(
            Self.config(
                actions: "  list: [ { id: a, policy: p } ]",
                policies: "  p: { allow: [ { anyone: true } ] }\n  q: { allow: [ { anyone: true } ] }"))
        #expect(
            config.warnings.map(\.description) == [
                "/etc/actiongate/config.yaml:12: warning: policies.q: not used by any action"
            ])
    }

    @Test func aliasesThatRepeatBigPartsAreRefused() {
        // 500 rules that are all one aliased rule with 1000 subjects: a small file, half a million values.
        let subjects = Array(repeating: "s", count: 1000).joined(separator: ", ")
        let rules = "      - &r { subject: [\(subjects)] }\n" + String(repeating: "      - *r\n", count: 499)
        let yaml = Self.config(actions: "  list: [ { id: a, policy: p } ]", policies: "  p:\n    allow:\n" + rules)
        let issues = ConfigurationFixture.issues(yaml)
        #expect(issues.contains { $0.contains("the document is too large") }, "\(issues.prefix(3))")
        #expect(issues.count < 5)
    }
}

/// The spellings under which an action's path also identifies it (what lenient routers accept).
@Suite struct ActionLoosePathTests {
    @Test(arguments: [
        ("/actions/deleteUser", "/actions/deleteuser"), ("/actions/DeleteUser/", "/actions/deleteuser"),
        ("/actions/deleteUser//", "/actions/deleteuser"), ("/actions/deleteUser;jsessionid=1", "/actions/deleteuser"),
        ("/a;b/c;d/", "/a/c"), ("/", "/"), ("/;x", "/"), ("//", "/"), ("//a", "//a"), ("/a//b/", "/a//b"),
        ("/API/Login", "/api/login"), ("/a;x/", "/a"),
    ])
    func looseForms(_ path: String, _ key: String) {
        #expect(LoosePath(path).key == key)
        #expect(LoosePath(path) == LoosePath(key))
        #expect(LoosePath(path).hashValue == LoosePath(key).hashValue)
    }

    /// The reference: the loose form built as a copy, the way the definition reads.
    static func reference(_ path: String) -> String {
        var bytes: [UInt8] = []
        var inParameters = false
        for byte in path.utf8 {
            if byte == UInt8(ascii: "/") {
                inParameters = false
            } else if byte == UInt8(ascii: ";") {
                inParameters = true
            }
            if !inParameters { bytes.append(UInt8.asciiLowercased(byte)) }
        }
        while bytes.count > 1, bytes.last == UInt8(ascii: "/") { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Random paths over the bytes that matter: the in-place form equals the reference, and equal
    /// forms are equal paths with equal hashes (and only they).
    @Test func theInPlaceFormMatchesTheReference() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("/aZ;x=.".utf8)
        var paths: [String] = []
        for _ in 0..<3_000 {
            let length = Int.random(in: 0...7, using: &generator)
            let bytes = [UInt8(ascii: "/")] + (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
            let path = String(decoding: bytes, as: UTF8.self)
            #expect(LoosePath(path).key == Self.reference(path), "\(path)")
            paths.append(path)
        }
        for (first, second) in zip(paths, paths.shuffled(using: &generator)) {
            let same = Self.reference(first) == Self.reference(second)
            #expect((LoosePath(first) == LoosePath(second)) == same, "\(first) \(second)")
            if same { #expect(LoosePath(first).hashValue == LoosePath(second).hashValue) }
        }
    }
}
