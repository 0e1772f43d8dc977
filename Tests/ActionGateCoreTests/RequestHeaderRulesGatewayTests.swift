import Testing

@testable import ActionGateCore

@Suite("RequestHeaderRules.addGatewayHeaders")
struct RequestHeaderRulesGatewayTests {
    static func gateway(trusted: Bool, subject: String? = nil) -> GatewayHeaders {
        GatewayHeaders(
            peerAddress: "10.0.0.7", peerIsTrustedProxy: trusted, proto: "https", host: "app.example.com",
            requestID: "req-1", action: "createPost", subject: subject, claims: subject.map { _ in "eyJzdWIiOiJ1In0" })
    }

    /// `headers` after `addGatewayHeaders` (which edits in place).
    static func adding(_ gateway: GatewayHeaders, to headers: HeaderFields) throws(GatewayHeaderError) -> HeaderFields {
        var result = headers
        try RequestHeaderRules.addGatewayHeaders(gateway, to: &result)
        return result
    }

    struct Chain: Sendable, CustomTestStringConvertible {
        var label: String
        var trusted: Bool
        var clientValues: [String]
        var forwardedFor: String
        var testDescription: String { label }
    }

    static let chains: [Chain] = [
        Chain(label: "untrusted, no header", trusted: false, clientValues: [], forwardedFor: "10.0.0.7"),
        Chain(
            label: "untrusted, spoofed header replaced", trusted: false, clientValues: ["6.6.6.6"],
            forwardedFor: "10.0.0.7"),
        Chain(label: "trusted, no header", trusted: true, clientValues: [], forwardedFor: "10.0.0.7"),
        Chain(
            label: "trusted chain appended", trusted: true, clientValues: ["1.1.1.1, 10.0.0.1"],
            forwardedFor: "1.1.1.1, 10.0.0.1, 10.0.0.7"),
        Chain(
            label: "trusted, two lines joined", trusted: true, clientValues: ["1.1.1.1", " 2.2.2.2 "],
            forwardedFor: "1.1.1.1, 2.2.2.2, 10.0.0.7"),
        Chain(
            label: "trusted, empty line skipped", trusted: true, clientValues: ["", "1.1.1.1"],
            forwardedFor: "1.1.1.1, 10.0.0.7"),
    ]

    @Test(arguments: chains)
    func forwardedFor(_ example: Chain) throws {
        let client = HeaderFields([("Host", "app.example.com")] + example.clientValues.map { ("x-forwarded-for", $0) })
        let sanitised = RequestHeaderRules.sanitize(client, peerIsTrustedProxy: example.trusted)
        let result = try Self.adding(Self.gateway(trusted: example.trusted), to: sanitised)
        #expect(result.values("X-Forwarded-For") == [example.forwardedFor])
    }

    @Test func setsEveryGatewayHeaderAfterTheClientHeaders() throws {
        let client = HeaderFields([
            ("Host", "app.example.com"), ("X-Forwarded-Host", "evil.com"), ("X-Forwarded-Proto", "http"),
            ("Accept", "*/*"),
        ])
        let sanitised = RequestHeaderRules.sanitize(client, peerIsTrustedProxy: true)
        let result = try Self.adding(Self.gateway(trusted: true, subject: "user-1"), to: sanitised)
        #expect(
            result
                == HeaderFields([
                    ("Host", "app.example.com"), ("Accept", "*/*"), ("X-Forwarded-For", "10.0.0.7"),
                    ("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "app.example.com"),
                    ("X-ActionGate-Request-Id", "req-1"), ("X-ActionGate-Action", "createPost"),
                    ("X-ActionGate-Subject", "user-1"), ("X-ActionGate-Claims", "eyJzdWIiOiJ1In0"),
                ]))
    }

    @Test func absentIdentityRemovesAnyStaleValue() throws {
        let stale = HeaderFields([("x-actiongate-subject", "admin"), ("X-ActionGate-Bound-Args", "e30")])
        let result = try Self.adding(Self.gateway(trusted: false), to: stale)
        #expect(!result.contains("X-ActionGate-Subject"))
        #expect(!result.contains("X-ActionGate-Claims"))
        #expect(!result.contains("X-ActionGate-Bound-Args"))
        var withArgs = Self.gateway(trusted: false)
        withArgs.boundArguments = "WzFd"
        #expect(
            try Self.adding(withArgs, to: stale).values("x-actiongate-bound-args") == ["WzFd"])
    }

    @Test(arguments: ["a\r\nX-Injected: 1", "a\u{0}", "caf\u{e9}", "tab\there"])
    func refusesUnsendableValues(_ subject: String) {
        #expect(throws: GatewayHeaderError(header: GatewayHeaders.subject)) {
            try Self.adding(Self.gateway(trusted: false, subject: subject), to: HeaderFields())
        }
    }
}
