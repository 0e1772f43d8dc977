import Foundation
import Testing

/// `actiongate demo --port 0` driven like a browser without JavaScript: real executable, real
/// sockets, the real gateway in front of the built-in app.
@Suite(.serialized) struct DemoEndToEndTests {
    /// The `$ACTION_BOUND` values on a page, in order.
    static func sealedTokens(_ page: String) -> [String] {
        page.components(separatedBy: "name=\"$ACTION_BOUND\" value=\"").dropFirst().compactMap {
            $0.split(separator: "\"", maxSplits: 1).first.map(String.init)
        }
    }

    /// The same token with one character changed (still valid base64url).
    static func tampered(_ token: String) -> String {
        var characters = Array(token)
        let index = characters.count / 2
        characters[index] = characters[index] == "A" ? "B" : "A"
        return String(characters)
    }

    @Test func aBrowserWithoutJavaScriptSignsInAddsAndDeletesNotes() async throws {
        let demo = try await DemoProcess.start()
        let port = try #require(demo.port)
        let folder = try #require(demo.folder)
        #expect(FileManager.default.fileExists(atPath: folder + "/config.yaml"))
        var alice = DemoBrowser(port: port)

        let first = try alice.get("/")
        #expect(first.status == 200)
        #expect(first.body.contains("action=\"/actions/signIn\""))
        #expect(first.body.contains("Not signed in"))
        #expect(!first.body.contains("<script"))

        let signIn = try alice.post("/actions/signIn", [("name", "alice")])
        #expect(signIn.status == 303)
        #expect(signIn.header("Location") == "/?msg=signed-in")
        #expect(alice.cookies["actiongate-demo"] != nil)
        #expect(signIn.header("X-ActionGate-Session") == nil)

        let note = "<b>hello</b> & \"bye\""
        let created = try alice.post("/actions/createNote", [("text", note)])
        #expect(created.status == 303)
        let page = try alice.get("/")
        #expect(page.body.contains("<strong id=\"subject\">alice</strong>"))
        #expect(page.body.contains("&lt;b&gt;hello&lt;/b&gt; &amp; &quot;bye&quot;"))
        #expect(!page.body.contains(note))
        let token = try #require(Self.sealedTokens(page.body).first)

        // A cross-site form: the same cookie, another page's Origin.
        let forged = try alice.post("/actions/createNote", [("text", "csrf")], origin: "http://evil.example")
        #expect(forged.status == 403)
        #expect(forged.body.contains("\"error\":\"origin_rejected\""))

        let tamperedDelete = try alice.post("/actions/deleteNote", [("$ACTION_BOUND", Self.tampered(token))])
        #expect(tamperedDelete.status == 403)
        #expect(tamperedDelete.body.contains("bound_args_rejected"))
        let plainID = try alice.post("/actions/deleteNote", [("note", "1")])
        #expect(plainID.status == 403)
        #expect(plainID.body.contains("bound_args_rejected"))

        // Bob cannot replay Alice's delete button: the token is bound to her subject.
        var bob = DemoBrowser(port: port)
        #expect(try bob.post("/actions/signIn", [("name", "bob")]).status == 303)
        let replay = try bob.post("/actions/deleteNote", [("$ACTION_BOUND", token)])
        #expect(replay.status == 403)
        #expect(try alice.get("/").body.contains("&lt;b&gt;hello"))

        let deleted = try alice.post("/actions/deleteNote", [("$ACTION_BOUND", token)])
        #expect(deleted.status == 303)
        #expect(deleted.header("Location") == "/?msg=deleted")
        let after = try alice.get("/")
        #expect(!after.body.contains("&lt;b&gt;hello"))
        #expect(!after.body.contains("csrf"))

        let signOut = try alice.post("/actions/signOut", [])
        #expect(signOut.status == 303)
        #expect(alice.cookies["actiongate-demo"] == nil)
        #expect(try alice.get("/").body.contains("Not signed in"))

        #expect(await demo.waitForOutput("POST /actions/createNote → 403 origin_rejected"))
        #expect(await demo.waitForOutput("POST /actions/createNote → 303 forward createNote (alice)"))
        #expect(await demo.waitForOutput("POST /actions/deleteNote → 403 bound_args_rejected"))
        #expect(await demo.waitForOutput("session issued"))

        #expect(await demo.interrupt() == 0)
        #expect(await demo.waitForOutput("Stopped;"))
        #expect(!FileManager.default.fileExists(atPath: folder))
    }

    @Test func theAdminActionNeedsTheAdminRole() async throws {
        let demo = try await DemoProcess.start()
        let port = try #require(demo.port)
        var anonymous = DemoBrowser(port: port)
        let noSession = try anonymous.post("/actions/clearNotes", [])
        #expect(noSession.status == 401)
        #expect(noSession.body.contains("unauthenticated"))

        var alice = DemoBrowser(port: port)
        #expect(try alice.post("/actions/signIn", [("name", "alice")]).status == 303)
        #expect(try alice.post("/actions/createNote", [("text", "keep me")]).status == 303)
        // A client-sent identity header is stripped; it cannot make Alice an admin.
        let spoofed = try alice.send(
            method: "POST", target: "/actions/clearNotes",
            headers: [("Origin", alice.origin), ("X-ActionGate-Claims", "eyJyb2xlcyI6WyJhZG1pbiJdfQ")])
        #expect(spoofed.status == 403)
        #expect(spoofed.body.contains("\"error\":\"forbidden\""))
        #expect(try alice.get("/").body.contains("keep me"))

        var admin = DemoBrowser(port: port)
        #expect(try admin.post("/actions/signIn", [("name", "admin")]).status == 303)
        #expect(try admin.get("/").body.contains("roles: admin"))
        let cleared = try admin.post("/actions/clearNotes", [])
        #expect(cleared.status == 303)
        #expect(cleared.header("Location") == "/?msg=cleared")
        #expect(!(try alice.get("/").body.contains("keep me")))
        #expect(await demo.waitForOutput("POST /actions/clearNotes → 403 forbidden"))
        #expect(await demo.waitForOutput("POST /actions/clearNotes → 303 forward clearNotes (admin)"))
        #expect(await demo.interrupt() == 0)
    }

    @Test func anUnknownActionNeverReachesTheApp() async throws {
        let demo = try await DemoProcess.start()
        var browser = DemoBrowser(port: try #require(demo.port))
        let unknown = try browser.send(
            method: "POST", target: "/", headers: [("Origin", browser.origin), ("Next-Action", "dropTables")])
        #expect(unknown.status == 404)
        #expect(unknown.header("x-nextjs-action-not-found") == "1")
        let get = try browser.get("/actions/createNote")
        #expect(get.status == 405)
        #expect(get.header("Allow") == "POST")
        #expect(await demo.interrupt() == 0)
    }
}
