import ActionGateCore
import ActionGateCrypto
import ActionGateServer
import Foundation
import Testing

/// The real gateway as an operator runs it, for the security regression suite: `config.yaml`, an
/// allowed-origins file and a keyring written to a temporary folder, `Gateway.start` on port 0
/// (client and admin listeners), and the recording `TestUpstream` behind it.
///
/// The raw-socket side reuses `GatewayHarness` (built around the running server), so every suite
/// talks to the gateway with the same `RawConnection` the data-plane tests use.
struct SecurityFixture: Sendable {
    /// What differs between suites; everything else is the fixed configuration in `yaml`.
    struct Options: Sendable {
        /// Long by default: the whole package's tests share a small machine, and a timeout firing in
        /// a test that is not about timeouts would close a connection mid-test.
        var headerTimeout = "30s"
        var bodyTimeout = "30s"
        var idleTimeout = "30s"
        var maxConnections = 1000
        /// `trusted_proxies`; `127.0.0.1/32` makes the test client a trusted proxy.
        var trustedProxies = ["10.0.0.0/8"]
    }

    static let host = "app.example.com"
    static let origin = "https://app.example.com"
    /// Headers a browser on the gateway's own origin sends with an action.
    static let browser = "Host: \(host)\r\nOrigin: \(origin)\r\nContent-Type: application/json\r\n"

    let harness: GatewayHarness
    let gateway: Gateway
    let keyring: Keyring

    var upstream: TestUpstream { harness.upstream }
    var counters: GatewayCounters { gateway.server.counters }

    /// A `Cookie` field value holding a valid session for `subject` (and an unrelated cookie, which
    /// must still reach the upstream).
    func sessionCookie(subject: String = "alice", claims: String = "\"roles\":[\"user\"]") throws -> String {
        let gate = Gate(configuration: gateway.configuration, keys: keyring)
        let setCookie = try gate.sessions.issue(
            claimsJSON: "{\"sub\":\"\(subject)\",\(claims)}", keys: keyring, now: Self.now)
        let pair = setCookie.split(separator: ";", maxSplits: 1).first.map(String.init) ?? setCookie
        return "theme=dark; \(pair)"
    }

    /// A bound-arguments token sealed for `action` with the gateway's active key.
    func boundArguments(_ json: String, action: String, subject: String? = nil) throws -> String {
        let gate = Gate(configuration: gateway.configuration, keys: keyring)
        return try gate.boundArguments.seal(
            argumentsJSON: Array(json.utf8), action: action, subject: subject, ttl: 600, keys: keyring, now: Self.now
        ).token
    }

    static var now: Int64 { Int64(Date().timeIntervalSince1970) }

    /// Starts the upstream and the gateway from files, runs `body`, and stops both whatever happens.
    static func with(_ options: Options = Options(), _ body: (SecurityFixture) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "actiongate-security-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let upstream = try await TestUpstream.start()
        let audit = RecordingAuditSink()
        let gateway: Gateway
        let keyring: Keyring
        do {
            keyring = try Keyring.initial(now: Date(), randomBytes: Keyring.secureRandomBytes)
            try KeyringFile.create(keyring, at: folder.appendingPathComponent("keys.json").path)
            try Data("https://partner.example.org\n".utf8)
                .write(to: folder.appendingPathComponent("allowed-origins.txt"))
            let configPath = folder.appendingPathComponent("config.yaml").path
            try Data(yaml(options, upstreamPort: upstream.port).utf8).write(to: URL(fileURLWithPath: configPath))
            gateway = try await Gateway.start(
                configPath: configPath, loader: ConfigurationLoader(environment: [:], publicSuffixes: nil),
                listenOverride: ListenAddress(host: "127.0.0.1", port: 0),
                adminOverride: ListenAddress(host: "127.0.0.1", port: 0),
                reloadsOnSIGHUP: false, audit: audit)
        } catch {
            await upstream.stop()
            throw error
        }
        let fixture = SecurityFixture(
            harness: GatewayHarness(server: gateway.server, upstream: upstream, audit: audit),
            gateway: gateway, keyring: keyring)
        do {
            try await body(fixture)
        } catch {
            await gateway.server.shutdown(gracePeriod: .zero)
            await upstream.stop()
            throw error
        }
        await gateway.server.shutdown(gracePeriod: .zero)
        await upstream.stop()
    }

    /// The test configuration: one upstream, an `actions` route at `/` and a `passthrough` route at
    /// `/static/`, actions covering public, signed-in, missing-origin and bound-arguments cases.
    static func yaml(_ options: Options, upstreamPort: Int) -> String {
        let trusted = options.trustedProxies.map { "\"\($0)\"" }.joined(separator: ", ")
        return """
            listen: 127.0.0.1:0
            admin: { listen: 127.0.0.1:0 }
            public_origins: [\(origin)]
            trusted_proxies: [\(trusted)]
            allowed_origins_file: ./allowed-origins.txt
            keyring: ./keys.json
            upstreams:
              app: { url: "http://127.0.0.1:\(upstreamPort)", max_connections: 16, connect_timeout: 2s, timeout: 30s }
            routes:
              - { path_prefix: /static/, upstream: app, mode: passthrough, methods: [GET, HEAD, POST] }
              - { path_prefix: /, upstream: app, mode: actions }
            limits:
              max_body: 64KiB
              max_header_bytes: 8KiB
              header_timeout: \(options.headerTimeout)
              body_timeout: \(options.bodyTimeout)
              idle_timeout: \(options.idleTimeout)
              max_connections: \(options.maxConnections)
            actions:
              default_policy: signed-in
              list:
                - { id: echo, path: /actions/echo, policy: public }
                - { id: whoami, path: /actions/whoami, policy: signed-in }
                - { id: lax, path: /actions/lax, policy: public, missing_origin: allow }
                - { id: bound, path: /actions/bound, policy: signed-in, bound_args: required }
            policies:
              public: { allow: [ { anyone: true } ] }
              signed-in: { allow: [ { authenticated: true } ] }
            """
    }
}

extension SecurityFixture {
    /// Asserts a refusal at the boundary: the status, the JSON reason code, `Connection: close`, the
    /// connection closed by the gateway, and nothing (not even a connection) reaching the upstream.
    func expectRefused(
        _ raw: [UInt8], _ reason: RejectionReason, _ name: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let client = try await harness.connect()
        try? await client.send(bytes: raw)
        let response = try await client.readResponse()
        #expect(response.status == reason.status, "\(name)", sourceLocation: sourceLocation)
        #expect(
            response.bodyText.hasPrefix("{\"error\":\"\(reason.rawValue)\",\"request_id\":\""), "\(name)",
            sourceLocation: sourceLocation)
        #expect(response.header("content-type") == "application/json", "\(name)", sourceLocation: sourceLocation)
        #expect(response.header("cache-control") == "no-store", "\(name)", sourceLocation: sourceLocation)
        #expect(response.header("connection") == "close", "\(name)", sourceLocation: sourceLocation)
        #expect(await client.waitForClose(), "\(name): connection left open", sourceLocation: sourceLocation)
        #expect(upstream.received.isEmpty, "\(name): reached the upstream", sourceLocation: sourceLocation)
        await client.close()
    }

    /// Asserts an upstream request is framed by the gateway alone, HTTP/1.1: a `Content-Length` equal
    /// to the body (or no body and no length), or — for a streamed body of unknown length — the
    /// gateway's own `Transfer-Encoding: chunked` and no length. Never the client's framing fields.
    func expectWellFramed(
        _ seen: TestUpstream.Received, _ name: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(seen.version == .http1_1, "\(name)", sourceLocation: sourceLocation)
        let lengths = seen.headerValues("content-length")
        let codings = seen.headerValues("transfer-encoding")
        if !codings.isEmpty {
            #expect(codings == ["chunked"] && lengths.isEmpty, "\(name)", sourceLocation: sourceLocation)
            return
        }
        if seen.body.isEmpty {
            #expect(lengths.isEmpty || lengths == ["0"], "\(name)", sourceLocation: sourceLocation)
        } else {
            #expect(lengths == [String(seen.body.count)], "\(name)", sourceLocation: sourceLocation)
        }
    }
}
