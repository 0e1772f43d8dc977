import ActionGateCore
import ActionGateServer
import Testing

/// Action markers hidden from the gateway but not from the upstream: a form body under a
/// `Content-Encoding` the gateway does not decode. An upstream (or a framework middleware) that
/// decodes request bodies would read `$ACTION_ID_whoami` in a request the Gate let through as a
/// plain passthrough request or as another action.
@Suite struct SecurityHiddenMarkerTests {
    /// `gzip("$ACTION_ID_whoami=")`.
    static let gzippedURLEncoded: [UInt8] = [
        0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0x53, 0x71, 0x74, 0x0e, 0xf1, 0xf4, 0xf7, 0x8b,
        0xf7, 0x74, 0x89, 0x2f, 0xcf, 0xc8, 0x4f, 0xcc, 0xcd, 0xb4, 0x05, 0x00, 0x59, 0x84, 0x5f, 0x3b, 0x12, 0x00,
        0x00, 0x00,
    ]
    /// `gzip` of a multipart body (boundary `b`) whose one field is `$ACTION_ID_whoami`.
    static let gzippedMultipart: [UInt8] = [
        0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xd3, 0xd5, 0x4d, 0xe2, 0xe5, 0x72, 0xce, 0xcf,
        0x2b, 0x49, 0xcd, 0x2b, 0xd1, 0x75, 0xc9, 0x2c, 0x2e, 0xc8, 0x2f, 0xce, 0x2c, 0xc9, 0xcc, 0xcf, 0xb3, 0x52,
        0x48, 0xcb, 0x2f, 0xca, 0xd5, 0x4d, 0x49, 0x2c, 0x49, 0xb4, 0x56, 0xc8, 0x4b, 0xcc, 0x4d, 0xb5, 0x55, 0x52,
        0x71, 0x74, 0x0e, 0xf1, 0xf4, 0xf7, 0x8b, 0xf7, 0x74, 0x89, 0x2f, 0xcf, 0xc8, 0x4f, 0xcc, 0xcd, 0x54, 0xe2,
        0xe5, 0x02, 0x41, 0x5d, 0xdd, 0x24, 0x5d, 0x5d, 0x5e, 0x2e, 0x00, 0xa1, 0xd9, 0x68, 0x15, 0x4a, 0x00, 0x00,
        0x00,
    ]

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var head: String
        var body: [UInt8]
        var testDescription: String { name }
    }

    static let form = "Content-Type: application/x-www-form-urlencoded\r\n"
    static let multipart = "Content-Type: multipart/form-data; boundary=b\r\n"
    static let sameOrigin = "Host: app.example.com\r\nOrigin: https://app.example.com\r\n"

    static let cases: [Case] = [
        Case(
            name: "gzip form on a passthrough route",
            head: "POST /static/upload HTTP/1.1\r\n\(sameOrigin)\(form)Content-Encoding: gzip\r\n",
            body: gzippedURLEncoded),
        Case(
            name: "gzip multipart on a passthrough route",
            head: "POST /static/upload HTTP/1.1\r\n\(sameOrigin)\(multipart)Content-Encoding: gzip\r\n",
            body: gzippedMultipart),
        Case(
            name: "gzip form on another action's path",
            head: "POST /actions/echo HTTP/1.1\r\n\(sameOrigin)\(form)Content-Encoding: GZIP\r\n",
            body: gzippedURLEncoded),
        Case(
            name: "deflate, identity form on a passthrough route",
            head: "POST /static/upload HTTP/1.1\r\n\(sameOrigin)\(form)Content-Encoding: deflate, identity\r\n",
            body: gzippedURLEncoded),
        Case(
            name: "two Content-Encoding fields on an action",
            head: "POST /actions/echo HTTP/1.1\r\n\(sameOrigin)\(form)Content-Encoding: identity\r\n"
                + "Content-Encoding: gzip\r\n",
            body: gzippedURLEncoded),
    ]

    /// The gateway cannot read an encoded form, so it cannot know which action it names: refused
    /// as `malformed_request` (like any form it cannot read), and nothing reaches the upstream.
    @Test(arguments: cases)
    func encodedFormIsRefused(_ testCase: Case) async throws {
        try await SecurityFixture.with { fixture in
            let client = try await fixture.harness.connect()
            try await client.send(
                bytes: Array((testCase.head + "Content-Length: \(testCase.body.count)\r\n\r\n").utf8) + testCase.body)
            let response = try await client.readResponse()
            #expect(response.status == 400)
            #expect(response.bodyText.hasPrefix("{\"error\":\"malformed_request\""))
            await client.close()
            #expect(fixture.upstream.received.isEmpty)
        }
    }

    /// A `$ACTION_REF_` descriptor whose first `id` is a public action and whose later `id` key (the
    /// one React's JSON.parse keeps) is a signed-in one: refused as `invalid_action_id`, never
    /// forwarded as the public action; the honest descriptor of the same public action passes.
    @Test(arguments: [
        #"{"id":"echo","id":"whoami","bound":null}"#, #"{"id":"echo","\u0069d":"whoami","bound":null}"#,
    ])
    func aDescriptorNamingASecondActionIsRefused(_ descriptor: String) async throws {
        try await SecurityFixture.with { fixture in
            func post(_ descriptor: String) async throws -> ParsedResponse {
                let body = [
                    "--b", "Content-Disposition: form-data; name=\"$ACTION_REF_1\"", "", "",
                    "--b", "Content-Disposition: form-data; name=\"$ACTION_1:0\"", "", descriptor, "--b--", "",
                ].joined(separator: "\r\n")
                return try await fixture.harness.roundTrip(
                    "POST /some/page HTTP/1.1\r\n\(Self.sameOrigin)\(Self.multipart)"
                        + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)")
            }
            let refused = try await post(descriptor)
            #expect(refused.status == 400)
            #expect(refused.bodyText.hasPrefix("{\"error\":\"invalid_action_id\""))
            #expect(fixture.upstream.received.isEmpty)
            let honest = try await post(#"{"id":"echo","bound":null}"#)
            #expect(honest.status == 200)
            #expect(fixture.upstream.received.count == 1)
        }
    }

    /// `identity` is no coding at all: such a form is read and forwarded as usual.
    @Test func identityCodingIsReadAsUsual() async throws {
        try await SecurityFixture.with { fixture in
            let body = "a=1"
            let response = try await fixture.harness.roundTrip(
                "POST /static/upload HTTP/1.1\r\n\(Self.sameOrigin)\(Self.form)Content-Encoding: identity\r\n"
                    + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)")
            #expect(response.status == 200)
            #expect(fixture.upstream.received.first?.body == Array(body.utf8))
        }
    }
}
