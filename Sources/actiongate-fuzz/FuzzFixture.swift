import ActionGateCore
import ActionGateCrypto

/// Fixed inputs the targets share: keys, an origin matcher and a Gate built from real YAML.
///
/// Built once per process (static lets are lazy and thread-safe); a failure to build them is a harness
/// bug, reported as a violation on every input rather than a trap.
enum FuzzFixture {
    /// The clock every target uses (2027-01-15), so sealed seeds in the corpus stay valid.
    static let now: Int64 = 1_800_000_000

    /// The session cookie name of `gateYAML` (the default).
    static let cookieName = "__Host-actiongate"

    /// The public origins of `matcher` (and of `gateYAML`'s first origin).
    static let publicOrigins = [
        WebOrigin(scheme: .https, host: "app.example.com"),
        WebOrigin(scheme: .http, host: "localhost", port: 8080),
        WebOrigin(scheme: .https, host: "[::1]", port: 8443),
    ]

    /// An allowed-origins file with every kind of entry: exact, `*`, `**`, ports, an IPv4 address.
    static let allowedOriginsText = """
        # fuzz fixture
        https://partner.example.org
        https://*.preview.example.net
        https://**.tenants.example.com:8443
        http://*.a.b.example.io
        http://127.0.0.1:3000
        https://[2001:db8::1]
        """

    /// A small public suffix list, so the suffix check runs on a real list too.
    static let publicSuffixes = PublicSuffixList(
        text: """
            com
            net
            io
            uk
            co.uk
            app
            vercel.app
            *.ck
            !www.ck
            """)

    static let allowedOrigins: Result<AllowedOrigins, AllowedOrigins.ParseError> = Result {
        () throws(AllowedOrigins.ParseError) in
        try AllowedOrigins(parsing: allowedOriginsText, publicSuffixes: publicSuffixes)
    }

    /// The origin check the origin target runs against.
    static let matcher: Result<OriginMatcher, PropertyViolation> =
        allowedOrigins
        .map { OriginMatcher(publicOrigins: publicOrigins, allowedOrigins: $0) }
        .mapError { PropertyViolation(message: "fixture allowed-origins file refused: \($0.refusals)") }

    /// One active key and one older key, as a keyring would hold them (same secrets as the Gate tests).
    static let keys: Result<FuzzKeys, PropertyViolation> = Result { () throws(CryptoError) in try FuzzKeys() }
        .mapError { PropertyViolation(message: "fixture keys: \($0)") }

    /// The Gate the gate target drives; its YAML is `gateYAML`.
    static let gate: Result<Gate, PropertyViolation> = keys.flatMap { keys in
        Result { () throws(ConfigurationError) in
            try ConfigurationLoader(environment: [:], publicSuffixes: publicSuffixes, readFile: sideFile)
                .load(text: gateYAML, path: "/etc/actiongate/config.yaml")
        }
        .map { Gate(configuration: $0, keys: keys) }
        .mapError { PropertyViolation(message: "fixture configuration refused: \($0.issues)") }
    }

    /// The side files a configuration may name: the allowed-origins file and a Next.js manifest.
    static let sideFile: ConfigurationLoader.FileReader = { path in
        if path.hasSuffix(".txt") { return Array(allowedOriginsText.utf8) }
        if path.hasSuffix(".json") { return Array(manifestText.utf8) }
        throw ConfigurationLoader.FileReadError("no such file")
    }

    static let manifestText = """
        {"node": {"7f3a9c0e1b2d4f6a8c0e1b2d4f6a8c0e1b2d4f6a": {"workers": {}, "layer": {}}}, "edge": {}}
        """

    /// The Gate tests' configuration, plus an allowed-origins file and a trusted proxy range.
    static let gateYAML = """
        listen: 127.0.0.1:8080
        public_origins: [https://app.example.com, "http://localhost:8080"]
        trusted_proxies: [10.0.0.0/8, "fd00::/8"]
        allowed_origins_file: ./allowed-origins.txt
        keyring: ./keys.json
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
            - { id: 7f3a9c0e1b2d4f6a8c0e1b2d4f6a8c0e1b2d4f6a, policy: public }
        policies:
          public: { allow: [ { anyone: true } ] }
          signed-in: { allow: [ { authenticated: true } ] }
          admins: { allow: [ { claims: { roles: admin } } ], deny: [ { claims: { suspended: true } } ] }
        """
}

/// The fixture keys: 0x3f9a0c12 (active, secret 32 × 0x07) and 0x00000001 (opens only, 32 × 0x09).
struct FuzzKeys: TokenKeySource {
    static let activeSecret = [UInt8](repeating: 7, count: 32)
    static let oldSecret = [UInt8](repeating: 9, count: 32)

    let active: TokenKey
    let old: TokenKey

    init() throws(CryptoError) {
        active = try TokenKey(id: 0x3f9a_0c12, secret: Self.activeSecret)
        old = try TokenKey(id: 0x0000_0001, secret: Self.oldSecret)
    }

    var sealingKey: TokenKey? { active }

    func openingKey(id: UInt32) -> TokenKey? {
        id == active.id ? active : id == old.id ? old : nil
    }
}
