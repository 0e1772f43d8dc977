import ActionGateCore
import ActionGateServer
import Testing

/// Route confusion against the real gateway: spellings of a signed-in action's path, or markers
/// naming it, sent where a `passthrough` route (which forwards POST in the test configuration)
/// would otherwise take the request. None may reach the upstream without the action's checks.
@Suite struct SecurityRoutingTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var raw: String
        var status: Int
        var testDescription: String { name }
    }

    static let sameOrigin = "Host: app.example.com\r\nOrigin: https://app.example.com\r\n"
    static let json = "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"

    static func post(_ target: String, _ extra: String = "") -> String {
        "POST \(target) HTTP/1.1\r\n\(sameOrigin)\(extra)\(json)"
    }

    static let cases: [Case] = [
        Case(name: "dot-dot out of passthrough", raw: post("/static/../actions/whoami"), status: 400),
        Case(name: "encoded dot-dot", raw: post("/static/%2e%2e/actions/whoami"), status: 400),
        Case(name: "encoded slash", raw: post("/static%2f..%2factions/whoami"), status: 400),
        Case(name: "encoded backslash", raw: post("/static/..%5cactions/whoami"), status: 400),
        Case(name: "double encoding", raw: post("/static/%252e%252e/actions/whoami"), status: 400),
        Case(name: "encoded NUL", raw: post("/actions/whoami%00"), status: 400),
        Case(name: "dot segment", raw: post("/actions/./whoami"), status: 400),
        Case(name: "encoded letter", raw: post("/actions/%77hoami"), status: 401),
        Case(name: "double slash", raw: post("//actions/whoami"), status: 401),
        Case(
            name: "Next-Action on a passthrough path", raw: post("/static/upload", "Next-Action: whoami\r\n"),
            status: 401),
        Case(
            name: "form marker on a passthrough path",
            raw: "POST /static/upload HTTP/1.1\r\n\(sameOrigin)Content-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: 19\r\n\r\n$ACTION_ID_whoami=1",
            status: 401),
        // Not a marker that names an action: forwarded as passthrough, without the token.
        Case(
            name: "Action-Bound on a passthrough path",
            raw: post("/static/upload", "Action-Bound: x\r\n"), status: 200),
    ]

    @Test(arguments: cases)
    func actionSpellingsNeverPassThrough(_ testCase: Case) async throws {
        try await SecurityFixture.with { fixture in
            let response = try await fixture.harness.roundTrip(testCase.raw)
            #expect(response.status == testCase.status)
            let received = fixture.upstream.received
            if testCase.status == 200 {
                #expect(received.map(\.target) == ["/static/upload"])
                #expect(received.first?.header("action-bound") == nil)
            } else {
                #expect(received.isEmpty)
            }
        }
    }
}
