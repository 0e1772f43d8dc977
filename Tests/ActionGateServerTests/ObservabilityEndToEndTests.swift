import ActionGateCrypto
import ActionGateServer
import Foundation
import Testing

/// The audit log and `/metrics` of the full runtime, moving as real requests are allowed and refused.
@Suite struct ObservabilityEndToEndTests {
    typealias Fixture = ObservabilityFixture

    func metrics(_ fixture: Fixture) async throws -> MetricsText {
        let response = try await fixture.admin("/metrics")
        #expect(response.status == 200)
        #expect(response.header("content-type")?.hasPrefix("text/plain; version=0.0.4") == true)
        return MetricsText(response.bodyText)
    }

    @Test func allowedAndRefusedRequestsMoveCountersAndAuditLines() async throws {
        try await Fixture.with { fixture in
            let before = try await metrics(fixture)
            #expect(before.value("actiongate_rejections_total", ["reason": "unauthenticated"]) == 0)
            #expect(before.value("actiongate_config_generation") == 1)

            let allowed = try await fixture.roundTrip(
                "POST /actions/login?next=%2Fhome HTTP/1.1\r\n\(Fixture.browser)Content-Length: 2\r\n\r\n{}")
            #expect(allowed.status == 200)
            let refused = try await fixture.roundTrip(
                "POST /actions/createPost HTTP/1.1\r\n\(Fixture.browser)Content-Length: 2\r\n\r\n{}")
            #expect(refused.status == 401)
            let unknown = try await fixture.roundTrip(
                "POST /actions/nope HTTP/1.1\r\n\(Fixture.browser)Content-Length: 2\r\n\r\n{}")
            #expect(unknown.status == 404)

            let after = try await metrics(fixture)
            #expect(after.value("actiongate_requests_total", ["route": "/", "action": "login", "status": "200"]) == 1)
            #expect(
                after.value("actiongate_requests_total", ["route": "none", "action": "createPost", "status": "401"])
                    == 1)
            #expect(after.value("actiongate_requests_total", ["action": "none", "status": "404"]) == 1)
            #expect(after.value("actiongate_rejections_total", ["reason": "unauthenticated"]) == 1)
            #expect(after.value("actiongate_rejections_total", ["reason": "unknown_action"]) == 1)
            #expect(after.value("actiongate_upstream_response_seconds_count", ["upstream": "app"]) == 1)
            #expect(after.value("actiongate_upstream_response_seconds_bucket", ["upstream": "app", "le": "+Inf"]) == 1)

            let lines = try fixture.auditLines()
            #expect(lines.count == 3)
            let login = try #require(lines.first { $0["action"] == .string("login") })
            #expect(login["verdict"] == .string("forward"))
            #expect(login["outcome"] == .string("forwarded"))
            #expect(login["status"] == .number(200))
            #expect(login["upstream_status"] == .number(200))
            #expect(login["upstream"] == .string("app"))
            #expect(login["route"] == .string("/"))
            #expect(login["path"] == .string("/actions/login"), "the query is never logged")
            #expect(login["method"] == .string("POST"))
            #expect(login["client"] == .string("127.0.0.1"))
            #expect(login["bytes_in"] == .number(2))
            #expect(login["upstream_ms"] != nil && login["total_ms"] != nil)
            #expect(login["policy_rule"] == .string("public.allow[0]"))
            #expect(allowed.bodyText.isEmpty || login["bytes_out"] == .number(Double(allowed.body.count)))
            if case .string(let time)? = login["time"] {
                #expect(time.count == 24 && time.hasSuffix("Z") && time.dropFirst(19).hasPrefix("."))
            } else {
                Issue.record("no time")
            }
            let denied = try #require(lines.first { $0["status"] == .number(401) })
            #expect(denied["verdict"] == .string("reject"))
            #expect(denied["reason"] == .string("unauthenticated"))
            #expect(denied["action"] == .string("createPost"))
            #expect(denied["detail"].map { "\($0)".contains("policy") } == true)
            #expect(denied["upstream_status"] == nil)
            #expect(denied["request_id"] == .string(Self.requestID(in: refused)))
        }
    }

    @Test func tokensOpenedByADecryptOnlyKeyAreCountedForThatKey() async throws {
        try await Fixture.with { fixture in
            let old = fixture.decryptOnlyKey.idHex
            let active = fixture.activeKey.idHex
            #expect(old != active)
            let start = try await metrics(fixture)
            #expect(start.value("actiongate_tokens_opened_total", ["key_id": old, "purpose": "session"]) == 0)
            #expect(start.value("actiongate_key_state", ["key_id": old, "state": "decrypt-only"]) == 1)
            #expect(start.value("actiongate_key_state", ["key_id": old, "state": "active"]) == 0)
            #expect(start.value("actiongate_key_state", ["key_id": active, "state": "active"]) == 1)

            // A session sealed before the rotation, plus bound arguments sealed by the active key.
            let (oldCookie, oldToken) = try fixture.sessionCookie(subject: "alice", sealedBy: fixture.decryptOnlyKey)
            let bound = try fixture.boundArguments(action: "deleteUser", subject: "alice", sealedBy: fixture.activeKey)
            let first = try await fixture.roundTrip(
                "POST /actions/deleteUser HTTP/1.1\r\n\(Fixture.browser)Cookie: theme=dark; \(oldCookie)\r\n"
                    + "Action-Bound: \(bound)\r\nContent-Length: 2\r\n\r\n{}")
            #expect(first.status == 200)
            // Both tokens sealed by the active key: the key is listed once, both are counted.
            let (newCookie, newToken) = try fixture.sessionCookie(subject: "bob", sealedBy: fixture.activeKey)
            let bobBound = try fixture.boundArguments(action: "deleteUser", subject: "bob", sealedBy: fixture.activeKey)
            let second = try await fixture.roundTrip(
                "POST /actions/deleteUser HTTP/1.1\r\n\(Fixture.browser)Cookie: \(newCookie)\r\n"
                    + "Action-Bound: \(bobBound)\r\nContent-Length: 2\r\n\r\n{}")
            #expect(second.status == 200)

            let after = try await metrics(fixture)
            #expect(after.value("actiongate_tokens_opened_total", ["key_id": old, "purpose": "session"]) == 1)
            #expect(after.value("actiongate_tokens_opened_total", ["key_id": old, "purpose": "bound_args"]) == 0)
            #expect(after.value("actiongate_tokens_opened_total", ["key_id": active, "purpose": "session"]) == 1)
            #expect(after.value("actiongate_tokens_opened_total", ["key_id": active, "purpose": "bound_args"]) == 2)

            let lines = try fixture.auditLines()
            let alice = try #require(lines.first { $0["subject"] == .string("alice") })
            #expect(alice["key_ids"] == .array([.string(old), .string(active)]))
            #expect(alice["action"] == .string("deleteUser"))
            let bob = try #require(lines.first { $0["subject"] == .string("bob") })
            #expect(bob["key_ids"] == .array([.string(active)]))

            // Token bodies and cookies never reach the log or the metrics.
            let text = try fixture.auditText()
            for secret in [oldToken, newToken, bound, bobBound, "theme=dark"] {
                #expect(!text.contains(secret))
                #expect(!after.text.contains(secret))
            }
        }
    }

    /// A request refused after its session opened (here: `deleteUser` without its required bound
    /// arguments) still shows that the session's key is in use — a decrypt-only key that only
    /// refused requests use is not yet safe to retire.
    @Test func aSessionOnARefusedRequestCountsForItsKey() async throws {
        try await Fixture.with { fixture in
            let old = fixture.decryptOnlyKey.idHex
            let (cookie, _) = try fixture.sessionCookie(subject: "carol", sealedBy: fixture.decryptOnlyKey)
            let refused = try await fixture.roundTrip(
                "POST /actions/deleteUser HTTP/1.1\r\n\(Fixture.browser)Cookie: \(cookie)\r\nContent-Length: 2\r\n\r\n{}"
            )
            #expect(refused.status == 403)
            #expect(refused.errorCode == "bound_args_rejected")
            #expect(await GatewayHarness.eventually { (try? fixture.auditLines().count) == 1 })
            let after = try await metrics(fixture)
            #expect(after.value("actiongate_tokens_opened_total", ["key_id": old, "purpose": "session"]) == 1)
            #expect(after.value("actiongate_tokens_opened_total", ["key_id": old, "purpose": "bound_args"]) == 0)
            let line = try #require(try fixture.auditLines().first)
            #expect(line["verdict"] == .string("reject"))
            #expect(line["key_ids"] == .array([.string(old)]))

            // Without a session, a refusal counts no key.
            let anonymous = try await fixture.roundTrip(
                "POST /actions/deleteUser HTTP/1.1\r\n\(Fixture.browser)Content-Length: 2\r\n\r\n{}")
            #expect(anonymous.status == 401)
            #expect(await GatewayHarness.eventually { (try? fixture.auditLines().count) == 2 })
            let last = try await metrics(fixture)
            #expect(last.value("actiongate_tokens_opened_total", ["key_id": old, "purpose": "session"]) == 1)
            #expect(try fixture.auditLines().last?["key_ids"] == nil)
        }
    }

    @Test func untrustedValuesAreEscapedAndTruncatedInTheAuditLine() async throws {
        try await Fixture.with { fixture in
            let long = String(repeating: "x", count: 300)
            let page = try await fixture.roundTrip("GET /\(long)?q=secret HTTP/1.1\r\nHost: app.example.com\r\n\r\n")
            #expect(page.status == 200)
            // Raw bytes a terminal would act on (CSI) and bytes that are not UTF-8, in the target.
            let connection = try await RawConnection.connect(to: fixture.gateway.server.listenAddress)
            try await connection.send(
                bytes: Array("GET /a".utf8) + [0xC2, 0x9B, 0x32, 0x4A, 0xFF, 0x22]
                    + Array(" HTTP/1.1\r\nHost: a\r\n\r\n".utf8))
            #expect(try await connection.readResponse().status == 400)
            await connection.close()

            let lines = try fixture.auditLines()
            #expect(lines.count == 2)
            let forwarded = try #require(lines.first { $0["status"] == .number(200) })
            guard case .string(let path)? = forwarded["path"] else { throw RawConnection.Closed() }
            #expect(path.unicodeScalars.count == 100)
            #expect(path == "/" + String(repeating: "x", count: 98) + "…")
            let text = Array(try fixture.auditText().utf8)
            #expect(!text.contains { ($0 < 0x20 && $0 != 0x0A) || $0 == 0x7F }, "raw control bytes")
            #expect(String(validating: text, as: UTF8.self) != nil)
            #expect(!zip(text, text.dropFirst()).contains { $0 == 0xC2 && (0x80...0x9F).contains($1) }, "raw C1")
            #expect(!String(decoding: text, as: UTF8.self).contains("secret"))
        }
    }

    static func requestID(in response: ParsedResponse) -> String {
        guard case .object(let body)? = try? JSONValue(parsing: response.bodyText),
            case .string(let id)? = body["request_id"]
        else { return "" }
        return id
    }
}
