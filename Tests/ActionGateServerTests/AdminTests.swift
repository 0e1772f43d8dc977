import ActionGateCore
import ActionGateTestSupport
import NIOPosix
import Synchronization
import Testing

@testable import ActionGateServer

@Suite struct AdminTests {
    @Test func healthAndReadiness() async throws {
        try await GatewayHarness.with(admin: true) { gateway in
            let health = try await gateway.admin("GET /healthz HTTP/1.1\r\nHost: admin\r\n\r\n")
            #expect(health.status == 200)
            #expect(health.bodyText == "{\"status\":\"ok\"}")
            let ready = try await gateway.admin("GET /readyz HTTP/1.1\r\nHost: admin\r\n\r\n")
            #expect(ready.status == 200)
            #expect(ready.header("cache-control") == "no-store")
        }
    }

    @Test func notReadyWithoutAReachableUpstream() async throws {
        try await GatewayHarness.with(upstreamDown: true, admin: true) { gateway in
            #expect(try await gateway.admin("GET /healthz HTTP/1.1\r\nHost: admin\r\n\r\n").status == 200)
            let ready = try await gateway.admin("GET /readyz HTTP/1.1\r\nHost: admin\r\n\r\n")
            #expect(ready.status == 503)
            #expect(ready.bodyText.contains("no upstream reachable"))
        }
    }

    @Test func notReadyWhenTheSnapshotSaysSo() async throws {
        try await GatewayHarness.with(admin: true, readiness: { "keyring has no active key" }) { gateway in
            let ready = try await gateway.admin("GET /readyz HTTP/1.1\r\nHost: admin\r\n\r\n")
            #expect(ready.status == 503)
            #expect(ready.bodyText == "{\"status\":\"not_ready\",\"reason\":\"keyring has no active key\"}")
        }
    }

    @Test func extraRoutesGetHeadersAndABoundedBody() async throws {
        let echo = AdminRoute(method: "POST", path: "/v1/echo") { request in
            let token = request.headers.first("authorization") ?? "-"
            return .text(
                status: 201, "\(token) \(request.query ?? "-") \(String(decoding: request.body, as: UTF8.self))")
        }
        try await GatewayHarness.with(admin: true, adminRoutes: [echo]) { gateway in
            let created = try await gateway.admin(
                "POST /v1/echo?x=1 HTTP/1.1\r\nHost: admin\r\nAuthorization: Bearer t\r\nContent-Length: 2\r\n\r\nhi"
            )
            #expect(created.status == 201)
            #expect(created.bodyText == "Bearer t x=1 hi")
            let wrongMethod = try await gateway.admin("GET /v1/echo HTTP/1.1\r\nHost: admin\r\n\r\n")
            #expect(wrongMethod.status == 405)
            #expect(wrongMethod.header("allow") == "POST")
            #expect(try await gateway.admin("GET /nope HTTP/1.1\r\nHost: admin\r\n\r\n").status == 404)
            let big = String(repeating: "x", count: 70_000)
            let tooLarge = try await gateway.admin(
                "POST /v1/echo HTTP/1.1\r\nHost: admin\r\nContent-Length: \(big.utf8.count)\r\n\r\n\(big)"
            )
            #expect(tooLarge.status == 413)
        }
    }

    /// A request trickled in (or a keep-alive connection left idle) is cut off at the request
    /// deadline; a prompt request on another connection is served meanwhile.
    @Test func slowAndIdleAdminConnectionsAreClosedAtTheDeadline() async throws {
        let limits = AdminLimits(requestTimeout: .seconds(2))
        try await GatewayHarness.with(admin: true, adminLimits: limits) { gateway in
            let slow = try await gateway.connectAdmin()
            try await slow.send("GET /healthz HTTP/1.1\r\nHo")
            let idle = try await gateway.connectAdmin()
            try await idle.send("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try await idle.readResponse().status == 200)
            #expect(try await gateway.admin("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n").status == 200)
            #expect(await slow.waitForClose(timeout: .seconds(5)))
            #expect(await idle.waitForClose(timeout: .seconds(5)), "idle keep-alive closed after the deadline")
            #expect(slow.unread.isEmpty)
        }
    }

    /// Beyond `maxConnections` a connection is closed as soon as it is accepted; once one closes,
    /// a new one is served.
    @Test func adminConnectionsAreCapped() async throws {
        try await GatewayHarness.with(admin: true, adminLimits: AdminLimits(maxConnections: 3)) { gateway in
            var held: [RawConnection] = []
            for _ in 0..<3 {
                let connection = try await gateway.connectAdmin()
                try await connection.send("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n")
                #expect(try await connection.readResponse().status == 200)
                held.append(connection)
            }
            let refused = try await gateway.connectAdmin()
            #expect(await refused.waitForClose(timeout: .seconds(5)))
            await held.removeFirst().close()
            #expect(
                await gateway.eventually {
                    (try? await gateway.admin("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n").status) == 200
                })
            for connection in held { await connection.close() }
        }
    }

    static let bigRequest = "GET /big HTTP/1.1\r\nHost: a\r\n\r\n"

    /// Runs `body` against an admin listener with `limits` that answers `GET /big` with `size`
    /// bytes (calling `onCall` each time), and a client socket on it with a 4 KiB receive buffer,
    /// so the gateway's buffers fill as soon as the client stops reading.
    static func withBigRoute(
        size: Int, limits: AdminLimits, receiveTimeout: Int = 10, onCall: @escaping @Sendable () -> Void = {},
        _ body: (GatewayHarness, LoopbackSocket) async throws -> Void
    ) async throws {
        let big = AdminRoute(method: "GET", path: "/big") { _ in
            onCall()
            return .text(status: 200, String(repeating: "b", count: size))
        }
        try await GatewayHarness.with(admin: true, adminLimits: limits, adminRoutes: [big]) { gateway in
            let port = try #require(gateway.server.adminAddress?.port)
            let client = try LoopbackSocket(port: port, receiveTimeout: receiveTimeout, receiveBufferSize: 4096)
            defer { client.close() }
            try await body(gateway, client)
        }
    }

    /// The length of the body after the first response head in `received`.
    static func bodyLength(_ received: [UInt8]) -> Int {
        received.count - (received.firstRange(of: Array("\r\n\r\n".utf8))?.upperBound ?? received.count)
    }

    /// Pipelined requests from a client that does not read its responses: once the unread
    /// responses pass the bound, the next request is held until they drain, so they cannot pile up
    /// (the handler runs a few times, not once per request sent).
    @Test func pipelinedRequestsWaitWhileResponsesAreUnread() async throws {
        let calls = Calls()
        let limits = AdminLimits(maxPendingResponseBytes: 64 * 1024)
        try await Self.withBigRoute(size: 64 * 1024, limits: limits, onCall: calls.add) { gateway, client in
            // 400 requests of 64 KiB responses: 25 MiB if they were all answered at once.
            try client.send(String(repeating: Self.bigRequest, count: 400))
            #expect(await gateway.eventually { calls.value >= 1 })
            // Time for more to be answered, were they not held.
            try await Task.sleep(for: .seconds(1))
            let answered = calls.value
            #expect(answered >= 1 && answered < 100, "\(answered) responses made for a client that reads nothing")
            #expect(try await gateway.admin("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n").status == 200)
            // Held, not dropped: once the client reads, every request is answered.
            var received = 0
            while received < 400 * 64 * 1024, let chunk = try? client.receive(upTo: 1 << 16), !chunk.isEmpty {
                received += chunk.count
            }
            #expect(received >= 400 * 64 * 1024, "\(received) bytes")
            #expect(calls.value == 400)
        }
    }

    /// A client that stops reading a response is disconnected at the response deadline.
    @Test func aResponseThatDoesNotLeaveInTimeEndsTheConnection() async throws {
        let limits = AdminLimits(responseTimeout: .milliseconds(500))
        try await Self.withBigRoute(size: 4 << 20, limits: limits) { _, client in
            try client.send(Self.bigRequest)
            try await Task.sleep(for: .seconds(2))
            var received = 0
            while let chunk = try? client.receive(upTo: 65536), !chunk.isEmpty { received += chunk.count }
            #expect(received < 4 << 20, "closed before the 4 MiB response left: \(received) bytes")
        }
    }

    /// Three large pipelined responses, the client reading the first and then stopping: a later
    /// response leaving (or waiting) never clears the deadline of the one still unsent, so the
    /// connection is closed at the response deadline instead of staying open for good.
    @Test func aClientThatStopsReadingPipelinedResponsesIsClosed() async throws {
        let size = 8 << 20  // two of them are more than the kernel's socket buffers hold
        let limits = AdminLimits(responseTimeout: .seconds(1), maxPendingResponseBytes: 64 * 1024)
        try await Self.withBigRoute(size: size, limits: limits, receiveTimeout: 6) { _, client in
            try client.send(String(repeating: Self.bigRequest, count: 3))
            var received = 0
            while received < size + 64 * 1024, let chunk = try? client.receive(upTo: 1 << 16), !chunk.isEmpty {
                received += chunk.count
            }
            try await Task.sleep(for: .seconds(3))  // not reading: past the response deadline
            var closed = false
            while true {
                guard let chunk = try? client.receive(upTo: 1 << 16) else { break }  // timed out: still open
                if chunk.isEmpty {
                    closed = true
                    break
                }
                received += chunk.count
            }
            #expect(closed, "the connection is closed by the server")
            #expect(received < 3 * size)
        }
    }

    /// After a request that asks to close the connection, pipelined requests are not handled.
    @Test func requestsAfterAConnectionCloseAreNotHandled() async throws {
        let calls = Calls()
        let count = AdminRoute(method: "GET", path: "/count") { _ in
            calls.add()
            return .text(status: 200, "counted")
        }
        try await GatewayHarness.with(admin: true, adminRoutes: [count]) { gateway in
            let client = try await gateway.connectAdmin()
            try await client.send(
                "GET /count HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
                    + "GET /count HTTP/1.1\r\nHost: a\r\n\r\nGET /count HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try await client.readResponse().status == 200)
            #expect(await client.waitForClose())
            #expect(calls.value == 1)
            // (NIO's parser refuses bytes after a `Connection: close` request: its 400 may follow.)
            #expect(!String(decoding: client.unread, as: UTF8.self).contains("counted"))
        }
    }

    /// A keep-alive client reading a large response slowly gets all of it: the idle deadline starts
    /// only once the response has left.
    @Test func aSlowReaderOfAKeepAliveResponseGetsItWhole() async throws {
        let size = 12 << 20  // more than the kernel's socket buffers hold (tcp_wmem max: 4 MiB)
        let limits = AdminLimits(requestTimeout: .milliseconds(300))
        try await Self.withBigRoute(size: size, limits: limits) { _, client in
            try client.send(Self.bigRequest)
            try await Task.sleep(for: .milliseconds(800))
            // The idle deadline closes the connection once the response has left.
            #expect(Self.bodyLength(try client.readToEnd()) == size)
        }
    }

    /// One response larger than the unread-bytes bound (a big `/metrics`) reaches a slow reader whole.
    @Test func oneLargeResponseReachesASlowReaderWhole() async throws {
        let size = 1 << 20
        let limits = AdminLimits(maxPendingResponseBytes: 64 * 1024)
        try await Self.withBigRoute(size: size, limits: limits) { _, client in
            try client.send("GET /big HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
            try await Task.sleep(for: .milliseconds(500))
            #expect(Self.bodyLength(try client.readToEnd()) == size)
        }
    }

    /// `/readyz` callers that arrive while an upstream probe runs share it: one TCP connect per
    /// probe however many ask; within the cache time nobody connects.
    @Test func concurrentProbesShareOneConnect() async throws {
        let upstream = try await TestUpstream.start()
        let probe = UpstreamProbe(group: MultiThreadedEventLoopGroup.singleton, cacheDuration: .seconds(60))
        let settings = [UpstreamSettings(host: "127.0.0.1", port: upstream.port)]
        let answers = await withTaskGroup(of: Bool.self) { tasks in
            for _ in 0..<50 { tasks.addTask { await probe.anyReachable(settings) } }
            return await tasks.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(answers.count == 50 && answers.allSatisfy { $0 })
        #expect(await probe.anyReachable(settings))
        // The upstream counts a connection when its event loop accepts it: wait for that, then
        // make sure no second one follows.
        var waited = 0
        while upstream.connectionCount == 0, waited < 500 {
            try await Task.sleep(for: .milliseconds(10))
            waited += 1
        }
        try await Task.sleep(for: .milliseconds(200))
        #expect(upstream.connectionCount == 1)
        await upstream.stop()
    }
}

extension AdminTests {
    /// Handler calls counted across threads.
    final class Calls: Sendable {
        private let count = Atomic(0)
        var value: Int { count.load(ordering: .relaxed) }
        @Sendable func add() { count.wrappingAdd(1, ordering: .relaxed) }
    }
}
