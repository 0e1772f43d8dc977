import ActionGateCrypto
import Testing

@testable import ActionGateCore

@Suite struct ConfigurationLoaderTests {
    @Test func theMinimalConfigurationGetsEveryDefault() throws {
        let config = try ConfigurationFixture.load(ConfigurationFixture.minimal)
        #expect(config.listen == [ListenAddress(host: "0.0.0.0", port: 8080)])
        #expect(
            config.admin == AdminConfiguration(listen: ListenAddress(host: "127.0.0.1", port: 9090), tokenFile: nil))
        #expect(config.publicOrigins == [WebOrigin(scheme: .https, host: "app.example.com")])
        #expect(config.trustedProxies.isEmpty)
        #expect(config.allowedOriginsFile == nil)
        #expect(config.allowedOrigins.entries.isEmpty)
        #expect(config.keyring == "/etc/actiongate/keys.json")
        #expect(config.session == SessionConfiguration())
        #expect(config.session.cookie == "__Host-actiongate")
        #expect(config.session.ttl == .seconds(8 * 3600))
        #expect(config.session.refreshAfter == .seconds(3600))
        #expect(config.session.maxAge == .seconds(7 * 86400))
        #expect(config.session.secure)
        #expect(config.session.clockSkew == .seconds(60))
        #expect(config.limits.maxBody.bytes == 1 << 20)
        #expect(config.limits.maxHeaderBytes.bytes == 16 << 10)
        #expect(config.limits.headerTimeout == .seconds(10))
        #expect(config.limits.bodyTimeout == .seconds(30))
        #expect(config.limits.idleTimeout == .seconds(60))
        #expect(config.limits.maxConnections == 10_000)
        #expect(config.limits.maxBufferedBodyBytes.bytes == 64 << 20)
        #expect(config.boundArguments.maxTTL == .seconds(3600))
        #expect(config.boundArguments.maxSize.bytes == 8 << 10)
        #expect(config.actions.list.isEmpty)
        #expect(config.actions.unknown == .reject)
        #expect(config.actions.missingOrigin == .reject)
        #expect(config.policies.count == 0)
        let upstream = try #require(config.upstream(named: "app"))
        #expect(upstream == UpstreamConfiguration(name: "app", host: "127.0.0.1", port: 3000))
        #expect(upstream.maxConnections == 128)
        #expect(upstream.connectTimeout == .seconds(2))
        #expect(upstream.timeout == .seconds(30))
        #expect(
            config.routes == [
                RouteConfiguration(
                    pathPrefix: "/", upstream: "app", mode: .actions, methods: [], maxBody: config.limits.maxBody)
            ])
        #expect(config.warnings.isEmpty)
        #expect(config.longestTokenLifetime == .seconds(7 * 86400))
    }

    static let full = """
        listen: [0.0.0.0:8080, "[::]:8080"]
        admin: { listen: 127.0.0.1:9191, token_file: "${SECRETS}/admin.token" }
        public_origins: [https://app.example.com, https://www.example.com:8443]
        trusted_proxies: [10.0.0.0/8, "fd00::/8"]
        allowed_origins_file: allowed-origins.txt
        keyring: /var/lib/actiongate/../actiongate/keys.json
        upstreams:
          app: { url: http://127.0.0.1:3000/, max_connections: 64, connect_timeout: 500ms, timeout: 1m }
          api: { url: "http://[::1]:4000" }
          named: { url: http://app-server }
        routes:
          - { path_prefix: /, upstream: app, mode: actions }
          - { path_prefix: /_next/static/, upstream: app, mode: passthrough }
          - { path_prefix: /api/, upstream: api, mode: passthrough, methods: [GET, POST], max_body: 10MiB }
          - { path_prefix: /api/v2/, upstream: named }
        session: { cookie: sid, ttl: 1h, refresh_after: 10m, max_age: 1d, secure: false, clock_skew: 5s }
        limits:
          max_body: 2MiB
          max_header_bytes: 32KiB
          header_timeout: 5s
          body_timeout: 20s
          idle_timeout: 2m
          max_connections: 500
          max_buffered_body_bytes: 128MiB
        bound_args: { max_ttl: 2h, max_size: 16KiB }
        actions:
          unknown: reject
          default_policy: signed-in
          missing_origin: allow
          nextjs_manifest: .next/server/server-reference-manifest.json
          list:
            - { id: login, path: /actions/login, policy: public, issues_session: true, missing_origin: reject }
            - id: createPost
              path: /actions/createPost
              max_body: 256KiB
              content_types: [Application/JSON]
              bound_args: required
              enforce: false
            - { id: deleteUser, path: /actions/deleteUser, policy: admins }
        policies:
          public: { allow: [ { anyone: true } ] }
          signed-in: { allow: [ { authenticated: true } ] }
          admins:
            allow: [ { claims: { roles: admin } } ]
            deny: [ { claims: { suspended: true } } ]
        """

    static let manifestID = String(repeating: "ab", count: 20)
    static let manifest = #"{"node": {"\#(manifestID)": {"workers": {}}}, "edge": {}, "encryptionKey": "secret"}"#

    static func loadFull() throws -> Configuration {
        try ConfigurationFixture.load(
            full,
            files: [
                "/etc/actiongate/allowed-origins.txt": "https://*.partner.example.org\n",
                "/etc/actiongate/.next/server/server-reference-manifest.json": manifest,
            ],
            environment: ["SECRETS": "/run/secrets"])
    }

    @Test func everyKeyIsRead() throws {
        let config = try Self.loadFull()
        #expect(config.listen.map(\.description) == ["0.0.0.0:8080", "[::]:8080"])
        #expect(config.admin.listen.description == "127.0.0.1:9191")
        #expect(config.admin.tokenFile == "/run/secrets/admin.token")
        #expect(config.publicOrigins.map(\.description) == ["https://app.example.com", "https://www.example.com:8443"])
        #expect(config.trustedProxies.map(\.description) == ["10.0.0.0/8", "fd00::/8"])
        #expect(config.isTrustedProxy(IPAddress("::ffff:10.2.3.4")!))
        #expect(!config.isTrustedProxy(IPAddress("192.0.2.1")!))
        #expect(config.allowedOriginsFile == "/etc/actiongate/allowed-origins.txt")
        #expect(config.allowedOrigins.entries.map(\.pattern.description) == ["https://*.partner.example.org"])
        #expect(
            config.originMatcher.check(origin: "https://a.partner.example.org")
                == .allowed(.allowedOriginsEntry, line: 1))
        #expect(config.keyring == "/var/lib/actiongate/keys.json")
        #expect(
            config.upstreams["app"]
                == UpstreamConfiguration(
                    name: "app", host: "127.0.0.1", port: 3000, maxConnections: 64,
                    connectTimeout: ConfigDuration(milliseconds: 500), timeout: .seconds(60)))
        #expect(config.upstreams["api"]?.host == "::1")
        #expect(config.upstreams["api"]?.url == "http://[::1]:4000")
        #expect(config.upstreams["named"]?.port == 80)
        #expect(
            config.session
                == SessionConfiguration(
                    cookie: "sid", ttl: .seconds(3600), refreshAfter: .seconds(600), maxAge: .seconds(86400),
                    secure: false,
                    clockSkew: .seconds(5)))
        #expect(
            config.limits
                == LimitsConfiguration(
                    maxBody: ByteSize(bytes: 2 << 20), maxHeaderBytes: ByteSize(bytes: 32 << 10),
                    headerTimeout: .seconds(5),
                    bodyTimeout: .seconds(20), idleTimeout: .seconds(120), maxConnections: 500,
                    maxBufferedBodyBytes: ByteSize(bytes: 128 << 20)))
        #expect(
            config.boundArguments
                == BoundArgumentsConfiguration(maxTTL: .seconds(7200), maxSize: ByteSize(bytes: 16 << 10)))
        #expect(config.policies.names == ["admins", "public", "signed-in"])
        #expect(
            config.warnings.map(\.description) == [
                "/etc/actiongate/config.yaml:38: warning: actions.list[1].enforce: shadow mode: "
                    + "policy denials are logged, and the request is forwarded"
            ])
    }

    @Test func actionsAreResolvedWithTheirDefaults() throws {
        let config = try Self.loadFull()
        #expect(config.actions.list.map(\.id) == ["login", "createPost", "deleteUser", Self.manifestID])
        #expect(config.actions.manifestCount == 1)
        let login = try #require(config.action(id: "login"))
        #expect(login.path == "/actions/login")
        #expect(login.policy.name == "public")
        #expect(login.issuesSession)
        #expect(login.missingOrigin == .reject)
        #expect(login.maxBody.bytes == 2 << 20)
        #expect(login.contentTypes == ActionConfiguration.defaultContentTypes)
        #expect(login.boundArguments == .optional)
        #expect(login.enforce)
        #expect(login.source == .configured(line: 32))
        let create = try #require(config.action(path: "/actions/createPost"))
        #expect(create.id == "createPost")
        #expect(create.policy.name == "signed-in")
        #expect(create.maxBody.bytes == 256 << 10)
        #expect(create.contentTypes == ["application/json"])
        #expect(create.allowsContentType("application/json"))
        #expect(!create.allowsContentType("text/plain"))
        #expect(create.missingOrigin == .allow)
        #expect(create.boundArguments == .required)
        #expect(!create.enforce)
        #expect(!create.issuesSession)
        let imported = try #require(config.action(id: Self.manifestID))
        #expect(imported.policy.name == "signed-in")
        #expect(imported.path == nil)
        #expect(imported.source == .nextjsManifest)
        #expect(imported.missingOrigin == .allow)
        #expect(config.action(id: "unknown") == nil)
        #expect(config.action(path: "/actions/nope") == nil)
    }

    static let routing: [(String, String?)] = [
        ("/", "/"), ("/page", "/"), ("/_next/static/chunk.js", "/_next/static/"), ("/_next/static", "/"),
        ("/api/", "/api/"), ("/api/users", "/api/"), ("/api/v2/x", "/api/v2/"), ("/api", "/"),
    ]

    @Test(arguments: routing)
    func routesMatchTheLongestPrefix(path: String, prefix: String?) throws {
        let config = try Self.loadFull()
        #expect(config.route(for: path)?.pathPrefix == prefix)
    }

    @Test func passthroughRoutesDefaultToGETAndHEAD() throws {
        let config = try Self.loadFull()
        #expect(config.route(for: "/_next/static/a")?.methods == ["GET", "HEAD"])
        #expect(config.route(for: "/_next/static/a")?.mode == .passthrough)
        #expect(config.route(for: "/api/x")?.methods == ["GET", "POST"])
        #expect(config.route(for: "/api/x")?.maxBody.bytes == 10 << 20)
        #expect(config.route(for: "/api/v2/x")?.mode == .actions)
        #expect(config.route(for: "/api/v2/x")?.upstream == "named")
    }

    @Test func withoutARootRouteSomePathsHaveNone() throws {
        let text = ConfigurationFixture.minimal.replacingOccurrences(of: "path_prefix: /,", with: "path_prefix: /app/,")
        let config = try ConfigurationFixture.load(text)
        #expect(config.route(for: "/other") == nil)
        #expect(
            config.warnings.map(\.description) == [
                "/etc/actiongate/config.yaml:6: warning: routes: no route has path_prefix /: "
                    + "requests outside the listed prefixes get 404"
            ])
    }

    @Test func relativePathsResolveAgainstTheConfigurationFolder() throws {
        let loader = ConfigurationLoader(environment: [:], publicSuffixes: nil) { _ in [] }
        let text = ConfigurationFixture.minimal.replacingOccurrences(of: "./keys.json", with: "../state/./keys.json")
        let config = try loader.load(text: text, path: "/srv/gateway/conf/config.yaml")
        #expect(config.keyring == "/srv/gateway/state/keys.json")
    }

    @Test func environmentVariablesExpandInPaths() throws {
        let text = ConfigurationFixture.minimal.replacingOccurrences(of: "./keys.json", with: "${STATE}/${NAME}.json")
        let config = try ConfigurationFixture.load(text, environment: ["STATE": "/var/lib/ag", "NAME": "ring"])
        #expect(config.keyring == "/var/lib/ag/ring.json")
        let relative = try ConfigurationFixture.load(text, environment: ["STATE": "state", "NAME": "k"])
        #expect(relative.keyring == "/etc/actiongate/state/k.json")
    }

    @Test func aMissingKeyringIsAWarning() throws {
        let text = ConfigurationFixture.minimal.replacingOccurrences(of: "keyring: ./keys.json\n", with: "")
        let config = try ConfigurationFixture.load(text)
        #expect(config.keyring == nil)
        #expect(config.warnings.map(\.key) == ["keyring"])
    }

    @Test func yamlOneOneBooleansAreNotBooleans() throws {
        let text =
            ConfigurationFixture.minimal + """
                actions:
                  list: [ { id: a, policy: p } ]
                policies:
                  p: { allow: [ { claims: { country: no, vip: true, level: 3, code: "3", ratio: -0.5, v: 1.0.2 } } ] }
                """
        let config = try ConfigurationFixture.load(text)
        let criterion = try #require(config.policies["p"]?.allow.first?.criteria.first)
        #expect(
            criterion
                == .claims([
                    ClaimRequirement(name: "country", values: [.string("no")]),
                    ClaimRequirement(name: "vip", values: [.bool(true)]),
                    ClaimRequirement(name: "level", values: [.number(3)]),
                    ClaimRequirement(name: "code", values: [.string("3")]),
                    ClaimRequirement(name: "ratio", values: [.number(-0.5)]),
                    ClaimRequirement(name: "v", values: [.string("1.0.2")]),
                ]))
    }
}
