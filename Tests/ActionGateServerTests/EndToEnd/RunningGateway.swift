import ActionGateCore
import ActionGateCrypto
import ActionGateServer
import ActionGateTestSupport
import Foundation
import NIOCore
import Testing

/// The whole gateway as `actiongate serve` runs it — configuration, keyring and admin token as real
/// files in a temporary folder, `Gateway.start`, a real upstream — on loopback port 0.
struct RunningGateway: Sendable {
    static let adminToken = "e2e-admin-token-0123456789abcdef"
    static let origin = "http://app.test"

    let folder: URL
    let gateway: Gateway
    let upstream: TestUpstream

    var keyringPath: String { folder.appendingPathComponent("keys.json").path }
    var cookieName: String { gateway.configuration.session.cookie }

    static func yaml(upstreamPort: Int) -> String {
        """
        public_origins: [\(origin)]
        admin: { token_file: ./admin.token }
        keyring: ./keys.json
        upstreams:
          app: { url: "http://127.0.0.1:\(upstreamPort)" }
        routes:
          - { path_prefix: /, upstream: app, mode: actions }
        session: { cookie: ag-session, secure: false, ttl: 8h, refresh_after: 1h, max_age: 7d }
        actions:
          default_policy: signed-in
          list:
            - { id: login, path: /actions/login, policy: public, issues_session: true }
            - { id: logout, path: /actions/logout, issues_session: true }
            - { id: createNote, path: /actions/createNote }
            - { id: deleteNote, path: /actions/deleteNote, bound_args: required }
            - { id: archiveNote, path: /actions/archiveNote }
            - { id: deleteUser, path: /actions/deleteUser, policy: admins }
        policies:
          public: { allow: [ { anyone: true } ] }
          signed-in: { allow: [ { authenticated: true } ] }
          admins: { allow: [ { claims: { roles: admin } } ] }
        """
    }

    /// Runs `body` against a freshly started gateway and stops everything afterwards.
    static func with(_ body: (RunningGateway) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ag-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let upstream = try await TestUpstream.start()
        let configPath = folder.appendingPathComponent("config.yaml").path
        try yaml(upstreamPort: upstream.port).write(toFile: configPath, atomically: false, encoding: .utf8)
        let tokenPath = folder.appendingPathComponent("admin.token").path
        try FileReplacement.write(adminToken, toPath: tokenPath, mode: 0o600)
        try KeyringFile.create(
            Keyring.initial(now: Date(), randomBytes: Keyring.secureRandomBytes),
            at: folder.appendingPathComponent("keys.json").path)
        let gateway: Gateway
        do {
            gateway = try await Gateway.start(
                configPath: configPath, listenOverride: ListenAddress(host: "127.0.0.1", port: 0),
                adminOverride: ListenAddress(host: "127.0.0.1", port: 0), pollInterval: .seconds(3600),
                reloadsOnSIGHUP: false)
        } catch {
            await upstream.stop()
            throw error
        }
        let running = RunningGateway(folder: folder, gateway: gateway, upstream: upstream)
        do {
            try await body(running)
        } catch {
            await running.stop()
            throw error
        }
        await running.stop()
    }

    func stop() async {
        await gateway.server.shutdown(gracePeriod: .seconds(1))
        await upstream.stop()
    }

    /// Sends one raw request on a fresh connection and reads the response.
    func send(_ raw: String) async throws -> ParsedResponse {
        let connection = try await RawConnection.connect(to: gateway.server.listenAddress)
        defer { Task { await connection.close() } }
        try await connection.send(raw)
        return try await connection.readResponse()
    }

    /// A same-origin browser POST to `path`.
    func post(
        _ path: String, body: String = "{}", cookie: String? = nil, headers: [(String, String)] = [],
        contentType: String = "application/json"
    ) async throws -> ParsedResponse {
        var raw =
            "POST \(path) HTTP/1.1\r\nHost: app.test\r\nOrigin: \(Self.origin)\r\nContent-Type: \(contentType)\r\n"
        if let cookie { raw += "Cookie: \(cookie)\r\n" }
        for (name, value) in headers { raw += "\(name): \(value)\r\n" }
        raw += "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
        return try await send(raw)
    }

    /// `POST /v1/seal` on the admin listener.
    func seal(_ json: String, token: String? = RunningGateway.adminToken) async throws -> ParsedResponse {
        let connection = try await RawConnection.connect(to: gateway.server.adminAddress!)
        defer { Task { await connection.close() } }
        var raw = "POST /v1/seal HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        if let token { raw += "Authorization: Bearer \(token)\r\n" }
        raw += "Content-Length: \(json.utf8.count)\r\nConnection: close\r\n\r\n\(json)"
        try await connection.send(raw)
        return try await connection.readResponse()
    }

    /// Signs in as `claims` through the login action and returns `name=value` of the issued cookie.
    func signIn(_ claims: String) async throws -> String {
        let response = try await post("/actions/login", headers: [("X-Test-Session", claims)])
        #expect(response.status == 200)
        let setCookie = try #require(response.header("set-cookie"))
        return String(setCookie.prefix { $0 != ";" })
    }

    /// The keyring as the file holds it now.
    func keyring() throws -> Keyring { try KeyringFile.load(from: keyringPath) }

    /// Rewrites the keyring file and makes the gateway reload it (as the file poll or SIGHUP would).
    func updateKeyring(_ change: (inout Keyring) throws -> Void) throws {
        try KeyringFile.update(at: keyringPath) { try change(&$0) }
        #expect(gateway.server.reloader?.reloadNow(trigger: "test") == true)
    }

    /// The last request the upstream received.
    var lastUpstreamRequest: TestUpstream.Received? { upstream.received.last }
}

extension ParsedResponse {
    /// The `error` code of a rejection body.
    var errorCode: String? {
        guard let object = try? JSONValue(parsing: body), case .object(let members) = object,
            case .string(let code)? = members["error"]
        else { return nil }
        return code
    }

    /// The `token` of a seal response.
    var sealedToken: String? {
        guard let object = try? JSONValue(parsing: body), case .object(let members) = object,
            case .string(let token)? = members["token"]
        else { return nil }
        return token
    }
}
