import ActionGateCore
import ActionGateCrypto
import ActionGateServer
import Testing

/// The data plane in front of the real `Gate` (configuration loaded from YAML, real keys): the
/// Server moves bytes and the Gate's decisions reach the wire unchanged.
@Suite struct RealGateTests {
    struct OneKey: TokenKeySource {
        let key: TokenKey
        var sealingKey: TokenKey? { key }
        func openingKey(id: UInt32) -> TokenKey? { id == key.id ? key : nil }
    }

    static let yaml = """
        listen: 127.0.0.1:0
        public_origins: [https://app.example.com]
        upstreams:
          app: { url: "http://127.0.0.1:3000" }
        routes:
          - { path_prefix: /, upstream: app, mode: actions }
        actions:
          default_policy: public
          list:
            - { id: login, path: /actions/login, policy: public }
        policies:
          public: { allow: [ { anyone: true } ] }
        """

    static func gate() throws -> Gate {
        let configuration = try ConfigurationLoader(environment: [:], publicSuffixes: nil)
            .load(text: yaml, path: "/etc/actiongate/config.yaml")
        let key = try TokenKey(id: 0x3f9a_0c12, secret: Array(repeating: 7, count: 32))
        return Gate(configuration: configuration, keys: OneKey(key: key))
    }

    static let browser =
        "Host: app.example.com\r\nOrigin: https://app.example.com\r\nContent-Type: application/json\r\n"

    @Test func actionIsForwardedWithGatewayHeaders() async throws {
        try await GatewayHarness.with(gate: try Self.gate()) { gateway in
            let response = try await gateway.roundTrip(
                "POST /actions/login HTTP/1.1\r\n\(Self.browser)X-ActionGate-Subject: forged\r\n"
                    + "x-middleware-subrequest: 1\r\nContent-Length: 2\r\n\r\n{}"
            )
            #expect(response.status == 200)
            #expect(response.header("cache-control") == "no-store")
            #expect(response.header("x-upstream-secret") == "s3cret")
            let seen = try #require(gateway.upstream.received.first)
            #expect(seen.body == Array("{}".utf8))
            #expect(seen.header("x-actiongate-action") == "login")
            #expect(seen.header("x-actiongate-subject") == nil)
            #expect(seen.header("x-middleware-subrequest") == nil)
            #expect(await gateway.eventually { !gateway.audit.all.isEmpty })  // written just after the response
            #expect(seen.header("x-actiongate-request-id") == gateway.audit.all.first?.requestID)
        }
    }

    @Test func gateRefusalsReachTheWire() async throws {
        try await GatewayHarness.with(gate: try Self.gate()) { gateway in
            let client = try await gateway.connect()
            try await client.send("POST /actions/nope HTTP/1.1\r\n\(Self.browser)Content-Length: 2\r\n\r\n{}")
            let unknown = try await client.readResponse()
            #expect(unknown.status == 404)
            #expect(unknown.bodyText.contains("\"error\":\"unknown_action\""))
            try await client.send(
                "POST /actions/login HTTP/1.1\r\nHost: app.example.com\r\nOrigin: https://evil.example\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
            )
            let crossSite = try await client.readResponse()
            #expect(crossSite.status == 403)
            #expect(crossSite.bodyText.contains("origin_rejected"))
            try await client.send("GET /page HTTP/1.1\r\nHost: evil.example\r\n\r\n")
            #expect(try await client.readResponse().status == 421)
            #expect(gateway.upstream.received.isEmpty)
            await client.close()
        }
    }
}
