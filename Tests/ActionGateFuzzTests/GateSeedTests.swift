import ActionGateCore
import Foundation
import Testing

@testable import actiongate_fuzz

/// The gate seeds do what their names say, so the fuzzer starts from inputs past each check (and the
/// sealed tokens in them, written by Fuzz/seeds.py, still open under the fixture keys and clock).
@Suite struct GateSeedTests {
    static func verdict(_ name: String) throws -> (GateInput, Verdict) {
        let path = FuzzCorpusReplayTests.root + "/Fuzz/corpus/gate/" + name
        let bytes = try #require(FileManager.default.contents(atPath: path), "missing seed \(name)")
        let input = GateInput([UInt8](bytes))
        let gate = try FuzzFixture.gate.get()
        return (input, GateDriver.decide(gate, input.head, body: input.body, now: input.now))
    }

    @Test(
        arguments: [
            ("page-render-refresh", "forward", "alice"),
            ("login-issues-session", "forward", nil),
            ("createpost-session", "forward", "alice"),
            ("deleteuser-admin", "forward", "root"),
            ("deleteuser-suspended", "forbidden", nil),
            ("deletenote-bound-header", "forward", "alice"),
            ("form-login-clear-session", "forward", "alice"),
            ("form-bound-field", "forward", "alice"),
            ("urlencoded-login", "forward", nil),
            ("next-action-header", "forward", nil),
            ("search-missing-origin", "forward", nil),
            ("sec-fetch-old-key", "forward", "alice"),
            ("trusted-proxy", "forward", nil),
            ("spoofed-headers", "forward", nil),
            ("passthrough-static", "forward", nil),
            ("passthrough-upload", "forward", nil),
            ("delete-method", "method_not_allowed", nil),
            ("dot-segments", "malformed_request", nil),
            ("ipv6-peer-clock", "forward", nil),
            ("interim-response", "forward", "alice"),
        ] as [(String, String, String?)])
    func seedReachesItsVerdict(name: String, outcome: String, subject: String?) throws {
        let (_, verdict) = try Self.verdict(name)
        switch verdict {
        case .forward(let plan):
            #expect(outcome == "forward")
            #expect(plan.audit.subject == subject)
        case .reject(let rejection):
            #expect(outcome == rejection.reason.rawValue)
        }
    }

    @Test func loginSeedIssuesASessionAndDropsTheUpstreamCookie() throws {
        let (input, verdict) = try Self.verdict("login-issues-session")
        guard case .forward(let plan) = verdict else {
            Issue.record("login seed was refused: \(verdict)")
            return
        }
        let gate = try FuzzFixture.gate.get()
        let rewrite = gate.rewriteResponse(
            status: input.responseStatus, headers: input.responseHeaders, plan: plan, now: input.now)
        #expect(rewrite.sessionEvent == .issued)
        #expect(rewrite.headers.values("Set-Cookie").count == 1)
        #expect(rewrite.headers.values("Cache-Control") == ["no-store"])
    }
}

/// How `GateInput` reads the text layout of gate inputs.
@Suite struct GateInputTests {
    @Test func decodesRequestLineHeadersResponseAndBody() {
        let text =
            "POST /a?x 10.0.0.1 -30 302\r\nHost: h\r\n@Set-Cookie: a=1\nContent-Length: 99\nbad line\n\nbody\n\nmore"
        let input = GateInput(Array(text.utf8))
        #expect(input.head.method == "POST")
        #expect(input.head.target == "/a?x")
        #expect(input.head.peerAddress == "10.0.0.1")
        #expect(input.now == FuzzFixture.now - 30)
        #expect(input.responseStatus == 302)
        #expect(input.head.headers.fields.map(\.name) == ["Host", "Content-Length"])
        #expect(input.head.headers.first("Content-Length") == "10")
        #expect(input.head.contentLength == 10)
        #expect(input.head.hasBody)
        #expect(input.responseHeaders.first("Set-Cookie") == "a=1")
        #expect(input.body == Array("body\n\nmore".utf8))
    }

    @Test func fillsDefaultsAndClampsTheClock() {
        let input = GateInput(Array("GET\n".utf8))
        #expect(input.head.target == "/")
        #expect(input.head.peerAddress == "203.0.113.9")
        #expect(input.head.contentLength == nil && !input.head.hasBody)
        #expect(input.responseStatus == 200)
        let far = GateInput(Array("GET / 1.2.3.4 9223372036854775807 7".utf8))
        #expect(far.now == FuzzFixture.now + GateInput.maximumClockOffset)
        #expect(far.responseStatus == 100)
    }
}
