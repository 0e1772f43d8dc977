import ActionGateCore
import ActionGateServer
import NIOCore
import NIOPosix

/// A running gateway in front of a real test upstream, stopped when the test body ends.
struct GatewayHarness: Sendable {
    let server: GatewayServer
    let upstream: TestUpstream
    let audit: RecordingAuditSink

    var address: SocketAddress { server.listenAddress }

    /// Opens a raw connection to the admin listener.
    func connectAdmin() async throws -> RawConnection {
        guard let admin = server.adminAddress else { throw RawConnection.Closed() }
        return try await RawConnection.connect(to: admin)
    }

    /// Sends one request to the admin listener and reads the response.
    func admin(_ raw: String) async throws -> ParsedResponse {
        let connection = try await connectAdmin()
        defer { Task { await connection.close() } }
        try await connection.send(raw)
        return try await connection.readResponse()
    }

    /// Opens a raw connection to the gateway.
    func connect() async throws -> RawConnection {
        try await RawConnection.connect(to: address)
    }

    /// Sends one request on a new connection and reads the response.
    func roundTrip(_ raw: String, isHEAD: Bool = false) async throws -> ParsedResponse {
        let connection = try await connect()
        defer { Task { await connection.close() } }
        try await connection.send(raw)
        return try await connection.readResponse(isHEAD: isHEAD)
    }

    /// Polls (bounded) until `condition` holds; false on timeout.
    func eventually(timeout: Duration = .seconds(5), _ condition: () async -> Bool) async -> Bool {
        await Self.eventually(timeout: timeout, condition)
    }

    /// Polls (bounded) until `condition` holds; false on timeout.
    static func eventually(timeout: Duration = .seconds(5), _ condition: () async -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !(await condition()) {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return true
    }

    /// Starts an upstream and a gateway, runs `body`, and stops both whatever happens.
    static func with(
        limits: ServerLimits = ServerLimits(),
        upstream tune: (inout UpstreamSettings) -> Void = { _ in },
        upstreamDown: Bool = false,
        gate: any RequestGate = TestGate(),
        admin: Bool = false,
        adminLimits: AdminLimits = AdminLimits(),
        extraListeners: Int = 0,
        adminRoutes: [AdminRoute] = [],
        readiness: @escaping @Sendable () -> String? = { nil },
        reload: ((_ upstreams: [String: UpstreamSettings]) -> ReloadInputs)? = nil,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        _ body: (GatewayHarness) async throws -> Void
    ) async throws {
        let upstream = try await TestUpstream.start()
        let port = upstreamDown ? try await TestUpstream.closedPort() : upstream.port
        var upstreamSettings = UpstreamSettings(host: "127.0.0.1", port: port)
        tune(&upstreamSettings)
        let settings = ServerSettings(
            listen: ListenAddress(host: "127.0.0.1", port: 0),
            additionalListen: Array(repeating: ListenAddress(host: "127.0.0.1", port: 0), count: extraListeners),
            admin: admin ? ListenAddress(host: "127.0.0.1", port: 0) : nil,
            adminLimits: adminLimits,
            limits: limits,
            upstreams: ["app": upstreamSettings],
            shutdownGracePeriod: .seconds(5)
        )
        let audit = RecordingAuditSink()
        let server: GatewayServer
        do {
            server = try await GatewayServer.start(
                settings: settings,
                snapshot: GatewaySnapshot(settings: settings, gate: gate, readiness: readiness),
                reload: reload?(settings.upstreams),
                adminRoutes: adminRoutes,
                audit: audit,
                group: group
            )
        } catch {
            await upstream.stop()
            throw error
        }
        let harness = GatewayHarness(server: server, upstream: upstream, audit: audit)
        do {
            try await body(harness)
        } catch {
            await server.shutdown(gracePeriod: .zero)
            await upstream.stop()
            throw error
        }
        await server.shutdown(gracePeriod: .zero)
        await upstream.stop()
    }
}

/// Short limits so timeout tests finish quickly, yet long enough that a machine loaded by the
/// parallel test run still reads a prompt client's head in time.
extension ServerLimits {
    static func fast(
        header: Duration = .seconds(1),
        body: Duration = .seconds(1),
        idle: Duration = .milliseconds(1500)
    ) -> ServerLimits {
        ServerLimits(headerTimeout: header, bodyTimeout: body, idleTimeout: idle)
    }
}
