import ActionGateCore
import ActionGateServer
import Testing

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
}
