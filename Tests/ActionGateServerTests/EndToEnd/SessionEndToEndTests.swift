import ActionGateCore
import ActionGateCrypto
import ActionGateServer
import Foundation
import Testing

/// Issue 7 over loopback: sessions issued through the gateway and checked on every action.
@Suite(.serialized) struct SessionEndToEndTests {
    @Test func loginSetsTheCookieAndTheCookieAuthenticatesTheNextAction() async throws {
        try await RunningGateway.with { gateway in
            let login = try await gateway.post(
                "/actions/login", headers: [("X-Test-Session", #"{"sub":"alice","roles":["editor"]}"#)])
            #expect(login.status == 200)
            #expect(login.header("x-actiongate-session") == nil)
            #expect(login.header("cache-control") == "no-store")
            let setCookie = try #require(login.header("set-cookie"))
            #expect(setCookie.hasPrefix("ag-session="))
            #expect(setCookie.hasSuffix("; Max-Age=28800; Path=/; HttpOnly; SameSite=Lax"))
            let cookie = String(setCookie.prefix { $0 != ";" })

            let anonymous = try await gateway.post("/actions/createNote")
            #expect(anonymous.status == 401)
            #expect(anonymous.errorCode == "unauthenticated")

            let note = try await gateway.post("/actions/createNote", cookie: "theme=dark; \(cookie)")
            #expect(note.status == 200)
            let seen = try #require(gateway.lastUpstreamRequest)
            #expect(seen.header("x-actiongate-subject") == "alice")
            let claims = try #require(seen.header("x-actiongate-claims"))
            #expect(
                try JSONValue(parsing: Base64URL.decode(claims))
                    == JSONValue(parsing: #"{"sub":"alice","roles":["editor"]}"#))
            #expect(seen.headerValues("cookie") == ["theme=dark"])
        }
    }

    @Test func tamperedExpiredAndOtherNameCookiesAreAnonymous() async throws {
        try await RunningGateway.with { gateway in
            let cookie = try await gateway.signIn(#"{"sub":"alice"}"#)
            var bytes = Array(cookie.utf8)
            let index = bytes.count - 10
            bytes[index] = bytes[index] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            let tampered = String(decoding: bytes, as: UTF8.self)
            #expect(try await gateway.post("/actions/createNote", cookie: tampered).status == 401)

            let keys = try gateway.keyring()
            let now = Int64(Date().timeIntervalSince1970)
            let expired = try SealedToken.seal(
                context: .session(cookieName: "ag-session"), data: .object(["sub": .string("alice")]),
                iat: now - 9 * 3600, exp: now - 3600, key: try #require(keys.sealingKey))
            #expect(try await gateway.post("/actions/createNote", cookie: "ag-session=\(expired)").status == 401)

            let otherName = try SealedToken.seal(
                context: .session(cookieName: "other"), data: .object(["sub": .string("alice")]),
                iat: now, exp: now + 3600, key: try #require(keys.sealingKey))
            #expect(try await gateway.post("/actions/createNote", cookie: "ag-session=\(otherName)").status == 401)
            #expect(try await gateway.post("/actions/createNote", cookie: "\(cookie); \(cookie)").status == 401)
        }
    }

    @Test func aCookieOlderThanRefreshAfterIsRefreshedOnTheResponse() async throws {
        try await RunningGateway.with { gateway in
            let now = Int64(Date().timeIntervalSince1970)
            let old = try SealedToken.seal(
                context: .session(cookieName: "ag-session"), data: .object(["sub": .string("alice")]),
                iat: now - 2 * 3600, exp: now + 6 * 3600, authTime: now - 2 * 3600,
                key: try #require(try gateway.keyring().sealingKey))
            let response = try await gateway.post("/actions/createNote", cookie: "ag-session=\(old)")
            #expect(response.status == 200)
            let fresh = try #require(response.header("set-cookie"))
            #expect(fresh.hasPrefix("ag-session=") && !fresh.hasPrefix("ag-session=\(old)"))
            #expect(response.header("cache-control") == "no-store")
            // The refreshed cookie keeps the sign-in time, so max_age still counts from it.
            let token = String(fresh.dropFirst("ag-session=".count).prefix { $0 != ";" })
            let opened = try SealedToken.open(
                token, context: .session(cookieName: "ag-session"), keys: try gateway.keyring(), now: now)
            #expect(opened.authTime == now - 2 * 3600)
            #expect(opened.iat >= now)
        }
    }

    @Test func aCookieSurvivesRotateAndStopsWorkingAfterRetire() async throws {
        try await RunningGateway.with { gateway in
            let cookie = try await gateway.signIn(#"{"sub":"alice"}"#)
            let oldKey = try gateway.keyring().active.id
            try gateway.updateKeyring { $0 = try $0.rotating(now: Date(), randomBytes: Keyring.secureRandomBytes) }
            #expect(try gateway.keyring().active.id != oldKey)
            // Several requests, so each event loop has opened (and cached) the old-key session.
            for _ in 0..<4 {
                #expect(try await gateway.post("/actions/createNote", cookie: cookie).status == 200)
            }
            // New sign-ins use the new key.
            let fresh = try await gateway.signIn(#"{"sub":"bob"}"#)
            try gateway.updateKeyring { $0 = try $0.retiring(id: oldKey, now: Date(), minimumAge: .zero, force: true) }
            // Retiring the key ends the session on every loop: no cached session outlives its key.
            for _ in 0..<4 {
                #expect(try await gateway.post("/actions/createNote", cookie: cookie).status == 401)
            }
            #expect(try await gateway.post("/actions/createNote", cookie: fresh).status == 200)
        }
    }

    /// A request whose head arrived before a forced retirement, and whose body arrives after the
    /// reload, is decided under the keyring in force then: its session no longer opens (it was
    /// accepted under the head's snapshot, for up to the body timeout after the retirement).
    @Test func aRetirementAppliesToARequestWhoseBodyWasStillArriving() async throws {
        try await RunningGateway.with { gateway in
            let cookie = try await gateway.signIn(#"{"sub":"alice"}"#)
            let oldKey = try gateway.keyring().active.id
            try gateway.updateKeyring { $0 = try $0.rotating(now: Date(), randomBytes: Keyring.secureRandomBytes) }
            let connection = try await RawConnection.connect(to: gateway.gateway.server.listenAddress)
            defer { Task { await connection.close() } }
            try await connection.send(
                "POST /actions/createNote HTTP/1.1\r\nHost: app.test\r\nOrigin: \(RunningGateway.origin)\r\n"
                    + "Content-Type: application/json\r\nCookie: \(cookie)\r\nExpect: 100-continue\r\n"
                    + "Content-Length: 2\r\n\r\n")
            // The head was decided (the gateway asks for the body) under the snapshot with the old key.
            #expect(try await connection.readResponse().status == 100)
            try gateway.updateKeyring { $0 = try $0.retiring(id: oldKey, now: Date(), minimumAge: .zero, force: true) }
            // A task on every event loop, queued after the new snapshot's installation: once it ran,
            // every loop has the new snapshot (the body must not race the installation).
            _ = await gateway.gateway.server.upstreamConnectionCounts()
            let before = gateway.upstream.received.count
            try await connection.send("{}")
            let response = try await connection.readResponse()
            #expect(response.status == 401, "\(response.status) \(response.bodyText)")
            #expect(gateway.upstream.received.count == before, "nothing reached the upstream")
        }
    }

    @Test func clearLogsOutAndClientIdentityHeadersNeverReachTheUpstream() async throws {
        try await RunningGateway.with { gateway in
            let cookie = try await gateway.signIn(#"{"sub":"alice"}"#)
            let logout = try await gateway.post(
                "/actions/logout", cookie: cookie, headers: [("X-Test-Session", "clear")])
            #expect(logout.header("set-cookie") == "ag-session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax")

            let spoofed = try await gateway.post(
                "/actions/login",
                headers: [
                    ("X-ActionGate-Subject", "root"), ("X_ActionGate_Subject", "root"), ("x-actiongate-claims", "e30"),
                ])
            #expect(spoofed.status == 200)
            let seen = try #require(gateway.lastUpstreamRequest)
            #expect(seen.header("x-actiongate-subject") == nil)
            #expect(seen.header("x-actiongate-claims") == nil)
            #expect(!seen.headers.contains { $0.0.contains("_") })
        }
    }

    @Test func onlyIssuingActionsMaySignIn() async throws {
        try await RunningGateway.with { gateway in
            let cookie = try await gateway.signIn(#"{"sub":"alice"}"#)
            let response = try await gateway.post(
                "/actions/createNote", cookie: cookie, headers: [("X-Test-Session", #"{"sub":"root"}"#)])
            #expect(response.status == 200)
            #expect(response.header("set-cookie") == nil)
            #expect(response.header("x-actiongate-session") == nil)
        }
    }
}
