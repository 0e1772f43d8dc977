import ActionGateCore
import ActionGateCrypto

/// A real configuration (loaded from YAML by `ConfigurationLoader`) and real keys, for Gate tests.
struct GateFixture {
    static let nextID = "7f3a9c0e1b2d4f6a8c0e1b2d4f6a8c0e1b2d4f6a"
    static let yaml = """
        listen: 127.0.0.1:8080
        public_origins: [https://app.example.com]
        trusted_proxies: [10.0.0.0/8, "fd00::/8"]
        upstreams:
          app: { url: "http://127.0.0.1:3000" }
        routes:
          - { path_prefix: /_next/static/, upstream: app, mode: passthrough }
          - { path_prefix: /uploads/, upstream: app, mode: passthrough, methods: [GET, HEAD, POST] }
          - { path_prefix: /, upstream: app, mode: actions }
        session: { ttl: 8h, refresh_after: 1h, max_age: 7d }
        actions:
          default_policy: signed-in
          list:
            - { id: login, path: /actions/login, policy: public, issues_session: true }
            - { id: createPost, path: /actions/createPost, max_body: 256 }
            - { id: deleteUser, path: /actions/deleteUser, policy: admins }
            - { id: deleteNote, path: /actions/deleteNote, bound_args: required }
            - { id: beta, path: /actions/beta, policy: admins, enforce: false }
            - { id: search, path: /actions/search, policy: public, missing_origin: allow }
            - { id: \(nextID), policy: public }
        policies:
          public: { allow: [ { anyone: true } ] }
          signed-in: { allow: [ { authenticated: true } ] }
          admins: { allow: [ { claims: { roles: admin } } ], deny: [ { claims: { suspended: true } } ] }
        """

    static let now: Int64 = 1_800_000_000

    let configuration: Configuration
    let keys: FixtureKeys
    let gate: Gate

    init(yaml: String = GateFixture.yaml) throws {
        configuration = try ConfigurationLoader(environment: [:], publicSuffixes: nil)
            .load(text: yaml, path: "/etc/actiongate/config.yaml")
        keys = try FixtureKeys()
        gate = Gate(configuration: configuration, keys: keys)
    }

    /// A request head with the headers a same-origin browser POST would carry.
    static func head(
        _ method: String = "POST", _ target: String, headers: [(String, String)]? = nil,
        adding extra: [(String, String)] = [], peer: String = "203.0.113.9", bodyLength: Int? = nil
    ) -> RequestHead {
        let base = headers ?? [
            ("Host", "app.example.com"), ("Origin", "https://app.example.com"), ("Content-Type", "application/json"),
        ]
        return RequestHead(
            method: method, target: target, headers: HeaderFields(base + extra), peerAddress: peer,
            contentLength: bodyLength, hasBody: (bodyLength ?? 0) > 0, requestID: "req-1")
    }

    /// Runs both phases as the data plane would: the head, then (if asked) the body.
    func decide(_ head: RequestHead, body: [UInt8] = [], now: Int64 = GateFixture.now) -> Verdict {
        switch gate.evaluateHead(head, now: now) {
        case .forward(let plan): return .forward(plan)
        case .reject(let rejection): return .reject(rejection)
        case .needBody(let pending): return gate.evaluateBody(pending, body: body, now: now)
        }
    }

    /// A session cookie header value sealed with the fixture's key.
    func sessionCookie(_ claims: String, iat: Int64 = GateFixture.now - 60, exp: Int64? = nil, cookie: String? = nil)
        throws -> String
    {
        let name = cookie ?? configuration.session.cookie
        let token = try SealedToken.seal(
            context: .session(cookieName: name), data: try JSONValue(parsing: claims), iat: iat,
            exp: exp ?? iat + 8 * 3600, authTime: iat, key: keys.active)
        return "\(name)=\(token)"
    }

    func boundToken(action: String, args: String, subject: String? = nil, ttl: Int64 = 600) throws -> String {
        try SealedToken.seal(
            context: .boundArguments(action: action, subject: subject), data: try JSONValue(parsing: args),
            iat: GateFixture.now - 1, exp: GateFixture.now + ttl, key: keys.active)
    }
}

/// One active key and one retired-to-decrypt key, as a keyring would hold them.
struct FixtureKeys: TokenKeySource {
    let active: TokenKey
    let old: TokenKey

    init() throws {
        active = try TokenKey(id: 0x3f9a_0c12, secret: Array(repeating: 7, count: 32))
        old = try TokenKey(id: 0x0000_0001, secret: Array(repeating: 9, count: 32))
    }

    var sealingKey: TokenKey? { active }

    func openingKey(id: UInt32) -> TokenKey? {
        id == active.id ? active : id == old.id ? old : nil
    }
}

extension Verdict {
    var plan: ForwardPlan? {
        if case .forward(let plan) = self { return plan }
        return nil
    }

    var rejection: Rejection? {
        if case .reject(let rejection) = self { return rejection }
        return nil
    }

    /// `forward` or the reason code, for table comparisons.
    var outcome: String {
        switch self {
        case .forward: "forward"
        case .reject(let rejection): rejection.reason.rawValue
        }
    }
}
