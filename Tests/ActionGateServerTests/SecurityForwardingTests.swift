import ActionGateCore
import ActionGateServer
import Testing

/// Hop-by-hop tricks (`Connection` naming the headers the gateway sets or decides on) and
/// `Host`/`X-Forwarded-*`/`Forwarded` from untrusted and trusted peers, against the real gateway.
@Suite struct SecurityForwardingTests {
    static let echo = "POST /actions/echo HTTP/1.1\r\n"
    static let body = "Content-Length: 2\r\n\r\n{}"

    /// `Connection` cannot remove the gateway's own headers: they are added after stripping.
    @Test(arguments: [
        "X-ActionGate-Action", "x-actiongate-request-id", "X-ActionGate-Subject, X-ActionGate-Claims",
        "X-Forwarded-For, X-Forwarded-Host, X-Forwarded-Proto", "close, X-ACTIONGATE-ACTION",
    ])
    func connectionCannotRemoveGatewayHeaders(_ listed: String) async throws {
        try await SecurityFixture.with { fixture in
            let cookie = try fixture.sessionCookie()
            let response = try await fixture.harness.roundTrip(
                "POST /actions/whoami HTTP/1.1\r\n\(SecurityFixture.browser)Cookie: \(cookie)\r\n"
                    + "Connection: \(listed)\r\n\(Self.body)")
            #expect(response.status == 200)
            let seen = try #require(fixture.upstream.received.first)
            #expect(seen.headerValues("x-actiongate-action") == ["whoami"])
            #expect(seen.headerValues("x-actiongate-subject") == ["alice"])
            #expect(seen.headerValues("x-actiongate-claims").count == 1)
            #expect(await fixture.harness.eventually { !fixture.harness.audit.all.isEmpty })
            #expect(seen.headerValues("x-actiongate-request-id") == [fixture.harness.audit.all.first?.requestID ?? "?"])
            #expect(seen.headerValues("x-forwarded-for") == ["127.0.0.1"])
            #expect(seen.headerValues("x-forwarded-host") == ["app.example.com"])
            #expect(seen.headerValues("x-forwarded-proto") == ["https"])
        }
    }

    /// Nor the end-to-end headers the Gate decided on: the upstream reads what the Gate checked.
    @Test func connectionCannotRemoveCheckedHeaders() async throws {
        try await SecurityFixture.with { fixture in
            let cookie = try fixture.sessionCookie()
            let response = try await fixture.harness.roundTrip(
                "POST /actions/whoami HTTP/1.1\r\n\(SecurityFixture.browser)Cookie: \(cookie)\r\n"
                    + "Next-Action: whoami\r\nConnection: Origin, Cookie\r\n"
                    + "connection: content-type, HOST, next-action\r\n\(Self.body)")
            #expect(response.status == 200)
            let seen = try #require(fixture.upstream.received.first)
            #expect(seen.headerValues("origin") == ["https://app.example.com"])
            #expect(seen.headerValues("cookie") == ["theme=dark"])
            #expect(seen.headerValues("content-type") == ["application/json"])
            #expect(seen.headerValues("host") == ["app.example.com"])
            #expect(seen.headerValues("next-action") == ["whoami"])
        }
    }

    /// Listing `Origin` as hop-by-hop does not turn a cross-site request into one without Origin,
    /// even on an action that accepts a missing Origin.
    @Test func connectionDoesNotHideACrossSiteOrigin() async throws {
        try await SecurityFixture.with { fixture in
            let response = try await fixture.harness.roundTrip(
                "POST /actions/lax HTTP/1.1\r\nHost: app.example.com\r\nOrigin: https://evil.example\r\n"
                    + "Connection: Origin\r\nContent-Type: application/json\r\n\(Self.body)")
            #expect(response.status == 403)
            #expect(response.bodyText.contains("\"error\":\"origin_rejected\""))
            #expect(fixture.upstream.received.isEmpty)
        }
    }

    /// From an untrusted peer, client-asserted addresses and hosts are dropped and replaced.
    @Test(arguments: [
        "X-Forwarded-Host: evil.example", "X-Forwarded-For: 10.0.0.1", "X-Forwarded-Proto: http",
        "Forwarded: for=10.0.0.1;host=evil.example;proto=http", "X-Real-IP: 10.0.0.1",
        "X-Forwarded-Port: 80", "x-forwarded-host: app.example.com:8443", "X-FORWARDED-FOR: 10.0.0.1, 10.0.0.2",
    ])
    func untrustedForwardingIsReplaced(_ field: String) async throws {
        try await SecurityFixture.with { fixture in
            let response = try await fixture.harness.roundTrip(
                "\(Self.echo)\(SecurityFixture.browser)\(field)\r\n\(Self.body)")
            #expect(response.status == 200)
            let seen = try #require(fixture.upstream.received.first)
            #expect(seen.headerValues("x-forwarded-for") == ["127.0.0.1"])
            #expect(seen.headerValues("x-forwarded-host") == ["app.example.com"])
            #expect(seen.headerValues("x-forwarded-proto") == ["https"])
            #expect(seen.headerValues("forwarded").isEmpty)
            #expect(seen.headerValues("x-real-ip").isEmpty)
            #expect(seen.headerValues("x-forwarded-port").isEmpty)
        }
    }

    /// `Host` must name a public origin's host (DNS rebinding, host-header injection): 421.
    @Test(arguments: [
        "evil.example", "app.example.com.evil.example", "127.0.0.1", "app.example.com:8443",
        "app.example.com@evil.example",
    ])
    func hostOutsideThePublicOriginsIsRefused(_ host: String) async throws {
        try await SecurityFixture.with { fixture in
            let client = try await fixture.harness.connect()
            try await client.send("GET /page HTTP/1.1\r\nHost: \(host)\r\nX-Forwarded-Host: app.example.com\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.status == 421)
            #expect(!response.bodyText.contains(host))
            await client.close()
            #expect(fixture.upstream.received.isEmpty)
        }
    }

    /// A trusted proxy's chain is kept and extended, even when the request lists it in `Connection`
    /// (Apache CVE-2022-31813: a client had the proxy drop `X-Forwarded-For`, and the upstream then
    /// saw the proxy's own, trusted, address as the client).
    @Test(arguments: ["", "X-Forwarded-For", "close, x-forwarded-for", "X-Real-IP, Forwarded, X-FORWARDED-HOST"])
    func trustedProxyChainSurvivesConnection(_ listed: String) async throws {
        var options = SecurityFixture.Options()
        options.trustedProxies = ["127.0.0.1/32"]
        try await SecurityFixture.with(options) { fixture in
            let connection = listed.isEmpty ? "" : "Connection: \(listed)\r\n"
            let response = try await fixture.harness.roundTrip(
                "\(Self.echo)\(SecurityFixture.browser)X-Forwarded-For: 203.0.113.7\r\nX-Real-IP: 203.0.113.7\r\n"
                    + "Forwarded: for=203.0.113.7\r\nX-Forwarded-Host: app.example.com\r\n\(connection)\(Self.body)")
            #expect(response.status == 200)
            let seen = try #require(fixture.upstream.received.first)
            #expect(seen.headerValues("x-forwarded-for") == ["203.0.113.7, 127.0.0.1"])
            #expect(seen.headerValues("x-forwarded-host") == ["app.example.com"])
            #expect(seen.headerValues("x-real-ip") == ["203.0.113.7"])
            #expect(seen.headerValues("forwarded") == ["for=203.0.113.7"])
        }
    }

    /// A trusted proxy's `X-Forwarded-Host` is the host checked: it must still be a public host.
    @Test func trustedProxyHostIsStillChecked() async throws {
        var options = SecurityFixture.Options()
        options.trustedProxies = ["127.0.0.1/32"]
        try await SecurityFixture.with(options) { fixture in
            let evil = try await fixture.harness.roundTrip(
                "GET /page HTTP/1.1\r\nHost: app.example.com\r\nX-Forwarded-Host: evil.example\r\n\r\n")
            #expect(evil.status == 421)
            #expect(fixture.upstream.received.isEmpty)
            let good = try await fixture.harness.roundTrip(
                "GET /page HTTP/1.1\r\nHost: internal:8080\r\nX-Forwarded-Host: app.example.com\r\n"
                    + "X-Forwarded-Proto: https\r\n\r\n")
            #expect(good.status == 200)
            let seen = try #require(fixture.upstream.received.first)
            #expect(seen.headerValues("x-forwarded-host") == ["app.example.com"])
            #expect(seen.headerValues("x-forwarded-proto") == ["https"])
        }
    }
}
