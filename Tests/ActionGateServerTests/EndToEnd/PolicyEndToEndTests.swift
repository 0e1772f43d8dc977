import ActionGateServer
import Testing

/// Issue 8 over loopback: an admin-only action refuses a non-admin session and serves an admin.
@Suite(.serialized) struct PolicyEndToEndTests {
    @Test func adminOnlyActionGives403ToANonAdminAnd200ToAnAdmin() async throws {
        try await RunningGateway.with { gateway in
            let editor = try await gateway.signIn(#"{"sub":"bob","roles":["editor"]}"#)
            let refused = try await gateway.post("/actions/deleteUser", cookie: editor)
            #expect(refused.status == 403)
            #expect(refused.errorCode == "forbidden")
            let admin = try await gateway.signIn(#"{"sub":"carol","roles":["admin","editor"]}"#)
            #expect(try await gateway.post("/actions/deleteUser", cookie: admin).status == 200)
            #expect(try await gateway.post("/actions/deleteUser").status == 401)
        }
    }
}
