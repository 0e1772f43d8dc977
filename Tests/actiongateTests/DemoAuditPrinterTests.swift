import ActionGateCore
import ActionGateServer
import Testing

@testable import actiongate

struct DemoAuditPrinterTests {
    static func record(
        _ method: String, _ target: String, status: Int, outcome: RequestRecord.Outcome, audit: AuditFacts? = nil,
        session: ResponseRewrite.SessionEvent? = nil
    ) -> RequestRecord {
        RequestRecord(
            requestID: "r1", peer: "127.0.0.1", method: method, target: target, outcome: outcome, status: status,
            audit: audit, sessionEvent: session, totalLatency: .milliseconds(1), bytesIn: 0, bytesOut: 0)
    }

    static let alice = AuditFacts(
        routeMode: "actions", route: "/", action: "createNote", subject: "alice", clientAddress: "127.0.0.1")

    @Test(arguments: [
        (
            record(
                "POST", "/actions/createNote", status: 403,
                outcome: .rejected(Rejection(.originRejected, detail: "origin: origin_not_allowed"))),
            "POST /actions/createNote → 403 origin_rejected — origin: origin_not_allowed"
        ),
        (
            record("POST", "/actions/createNote", status: 303, outcome: .forwarded(status: 303), audit: alice),
            "POST /actions/createNote → 303 forward createNote (alice)"
        ),
        (
            record(
                "GET", "/?msg=added", status: 200, outcome: .forwarded(status: 200),
                audit: AuditFacts(routeMode: "actions", route: "/", clientAddress: "127.0.0.1")),
            "GET / → 200 forward (anonymous)"
        ),
        (
            record(
                "POST", "/actions/signIn", status: 303, outcome: .forwarded(status: 303),
                audit: AuditFacts(routeMode: "actions", route: "/", action: "signIn", clientAddress: "127.0.0.1"),
                session: .issued),
            "POST /actions/signIn → 303 forward signIn (anonymous), session issued"
        ),
        (
            record("", "", status: 400, outcome: .rejected(Rejection(.malformedRequest))),
            "- - → 400 malformed_request"
        ),
        (
            record("GET", "/x", status: 0, outcome: .aborted(detail: "client went away")),
            "GET /x → 0 aborted — client went away"
        ),
    ])
    func printsOneLinePerRequest(record: RequestRecord, expected: String) {
        #expect(DemoAuditPrinter.line(for: record) == expected)
    }

    @Test func untrustedTextCannotReachTheTerminalRaw() {
        let hostile = "/\u{1B}]0;pwned\u{07}" + String(repeating: "a", count: 200)
        let line = DemoAuditPrinter.line(
            for: Self.record("POST\u{1B}", hostile, status: 404, outcome: .rejected(Rejection(.unknownAction))))
        #expect(!line.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F })
        #expect(line.hasPrefix("POST? /?]0;pwned?aaa"))
        #expect(line.contains("…"))
        #expect(line.count < 140)
    }

    @Test func printsThroughItsWriter() async {
        let lines = AsyncStream.makeStream(of: String.self)
        let printer = DemoAuditPrinter { lines.continuation.yield($0) }
        printer.record(Self.record("POST", "/a", status: 401, outcome: .rejected(Rejection(.unauthenticated))))
        var iterator = lines.stream.makeAsyncIterator()
        #expect(await iterator.next() == "POST /a → 401 unauthenticated")
    }
}
