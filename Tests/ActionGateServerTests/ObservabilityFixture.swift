import ActionGateCore
import ActionGateCrypto
import ActionGateServer
import ActionGateTestSupport
import Foundation
import Logging
import NIOCore
import Prometheus
import Testing

/// The full runtime as `serve` runs it — real config and keyring files in a temporary folder, a
/// real upstream, `Gateway.start` on port 0 — with its own metrics registry and a file audit log.
///
/// The keyring holds an active key and a decrypt-only key (built with the keyring transitions,
/// saved with `KeyringFile`), so tests can present tokens sealed by either.
struct ObservabilityFixture: Sendable {
    let folder: URL
    let gateway: Gateway
    let upstream: TestUpstream
    let metrics: GatewayMetrics
    let auditLog: AuditLog
    let keyring: Keyring

    var configPath: String { folder.appendingPathComponent("config.yaml").path }
    var auditPath: String { folder.appendingPathComponent("audit.log").path }
    var activeKey: KeyringEntry { keyring.active }
    var decryptOnlyKey: KeyringEntry { keyring.entries.first { $0.state == .decryptOnly } ?? keyring.active }

    static let cookieName = "__Host-actiongate"
    static let adminToken = "observability-test-admin-token"
    static let browser =
        "Host: app.example.com\r\nOrigin: https://app.example.com\r\nContent-Type: application/json\r\n"

    static func config(upstreamPort: Int, extraAction: String = "") -> String {
        """
        listen: 127.0.0.1:0
        admin: { listen: 127.0.0.1:0, token_file: ./admin.token }
        public_origins: [https://app.example.com]
        keyring: ./keys.json
        upstreams:
          app: { url: "http://127.0.0.1:\(upstreamPort)" }
        routes:
          - { path_prefix: /static/, upstream: app, mode: passthrough }
          - { path_prefix: /, upstream: app, mode: actions }
        actions:
          default_policy: signed-in
          list:
            - { id: login, path: /actions/login, policy: public }
            - { id: createPost, path: /actions/createPost }
            - { id: deleteUser, path: /actions/deleteUser, bound_args: required }
        \(extraAction)
        policies:
          public: { allow: [ { anyone: true } ] }
          signed-in: { allow: [ { authenticated: true } ] }
        """
    }

    /// Writes the files, starts an upstream (or points at a closed port) and the gateway, runs
    /// `body`, and stops everything whatever happens.
    static func with(
        upstreamDown: Bool = false, logger: Logger = Logger(label: "actiongate"),
        _ body: (ObservabilityFixture) async throws -> Void
    ) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("obs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let now = Date()
        let first = try Keyring.initial(now: now.addingTimeInterval(-7200), randomBytes: Keyring.secureRandomBytes)
        let keyring = try first.rotating(now: now.addingTimeInterval(-3600), randomBytes: Keyring.secureRandomBytes)
        try KeyringFile.create(keyring, at: folder.appendingPathComponent("keys.json").path)
        let upstream = try await TestUpstream.start()
        let port = upstreamDown ? try await TestUpstream.closedPort() : upstream.port
        let configPath = folder.appendingPathComponent("config.yaml").path
        try config(upstreamPort: port).write(toFile: configPath, atomically: false, encoding: .utf8)
        try FileReplacement.write(adminToken, to: folder.appendingPathComponent("admin.token"), mode: 0o600)
        let auditLog = try AuditLog(destination: .file(folder.appendingPathComponent("audit.log").path))
        let metrics = GatewayMetrics(registry: PrometheusCollectorRegistry())
        metrics.observe(auditLog: auditLog)
        let gateway: Gateway
        do {
            gateway = try await Gateway.start(
                configPath: configPath, loader: ConfigurationLoader(environment: [:], publicSuffixes: nil),
                listenOverride: ListenAddress(host: "127.0.0.1", port: 0),
                adminOverride: ListenAddress(host: "127.0.0.1", port: 0),
                pollInterval: .seconds(3600), reloadsOnSIGHUP: false, audit: auditLog, metrics: metrics,
                logger: logger)
        } catch {
            auditLog.close()
            await upstream.stop()
            throw error
        }
        let fixture = ObservabilityFixture(
            folder: folder, gateway: gateway, upstream: upstream, metrics: metrics, auditLog: auditLog,
            keyring: keyring)
        do { try await body(fixture) } catch {
            await fixture.stop()
            throw error
        }
        await fixture.stop()
    }

    private func stop() async {
        await gateway.server.shutdown(gracePeriod: .zero)
        await upstream.stop()
        auditLog.close()
    }

    // MARK: Requests

    /// Sends one request on a new connection and reads the response.
    func roundTrip(_ raw: String) async throws -> ParsedResponse {
        let connection = try await RawConnection.connect(to: gateway.server.listenAddress)
        defer { Task { await connection.close() } }
        try await connection.send(raw)
        return try await connection.readResponse()
    }

    /// A GET on the admin listener.
    func admin(_ path: String) async throws -> ParsedResponse {
        guard let address = gateway.server.adminAddress else { throw RawConnection.Closed() }
        let connection = try await RawConnection.connect(to: address)
        defer { Task { await connection.close() } }
        try await connection.send("GET \(path) HTTP/1.1\r\nHost: admin\r\nConnection: close\r\n\r\n")
        return try await connection.readResponse()
    }

    /// A POST to the admin listener with the admin bearer token.
    func adminPost(_ path: String, json: String) async throws -> ParsedResponse {
        guard let address = gateway.server.adminAddress else { throw RawConnection.Closed() }
        let connection = try await RawConnection.connect(to: address)
        defer { Task { await connection.close() } }
        try await connection.send(
            "POST \(path) HTTP/1.1\r\nHost: admin\r\nAuthorization: Bearer \(Self.adminToken)\r\n"
                + "Content-Type: application/json\r\nContent-Length: \(json.utf8.count)\r\nConnection: close\r\n\r\n\(json)"
        )
        return try await connection.readResponse()
    }

    /// Rewrites the configuration file (e.g. broken, then fixed again).
    func writeConfig(_ text: String) throws {
        try FileReplacement.write(text, toPath: configPath)
    }

    // MARK: Tokens

    /// `name=token` for a session of `subject`, sealed by `entry`'s key.
    func sessionCookie(subject: String, sealedBy entry: KeyringEntry) throws -> (cookie: String, token: String) {
        let now = Int64(Date().timeIntervalSince1970)
        let key = try #require(keyring.openingKey(id: entry.id))
        let token = try SealedToken.seal(
            context: .session(cookieName: Self.cookieName), data: .object(["sub": .string(subject)]),
            iat: now, exp: now + 600, key: key)
        return ("\(Self.cookieName)=\(token)", token)
    }

    /// Bound arguments for `action` (tied to `subject`), sealed by `entry`'s key.
    func boundArguments(action: String, subject: String?, sealedBy entry: KeyringEntry) throws -> String {
        let now = Int64(Date().timeIntervalSince1970)
        let key = try #require(keyring.openingKey(id: entry.id))
        return try SealedToken.seal(
            context: .boundArguments(action: action, subject: subject), data: .object(["id": .number(7)]),
            iat: now, exp: now + 600, key: key)
    }

    // MARK: Output

    /// Every audit line written so far, parsed (after a flush).
    func auditLines() throws -> [[String: JSONValue]] {
        auditLog.flush()
        let text = try String(contentsOfFile: auditPath, encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            try #require(members(JSONValue(parsing: line)), "not an object: \(line)")
        }
    }

    /// The raw audit file (after a flush).
    func auditText() throws -> String {
        auditLog.flush()
        return try String(contentsOfFile: auditPath, encoding: .utf8)
    }
}
