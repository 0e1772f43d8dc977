import ActionGateCore
import ActionGateCrypto
import Testing

@testable import actiongate

/// The sample app's handlers on their own (no gateway): what they answer and what they trust.
struct DemoAppRouterTests {
    let notes = DemoNotes()
    var router: DemoAppRouter { DemoAppRouter(notes: notes, sealer: DemoSealer(token: "unused-in-these-tests")) }

    static func post(_ path: String, _ body: String, headers: [(String, String)] = []) -> DemoRequest {
        DemoRequest(
            method: "POST", target: path,
            headers: HeaderFields([("Content-Type", "application/x-www-form-urlencoded")] + headers),
            body: Array(body.utf8))
    }

    static func header(_ response: DemoResponse, _ name: String) -> String? {
        response.headers.first { $0.0 == name }?.1
    }

    @Test(arguments: [
        ("name=alice", #"{"roles":[],"sub":"alice"}"#),
        ("name=admin", #"{"roles":["admin"],"sub":"admin"}"#),
        ("name=a.b_c-9", #"{"roles":[],"sub":"a.b_c-9"}"#),
    ])
    func signInAnswersWithClaims(body: String, claims: String) async {
        let response = await router.respond(to: Self.post("/actions/signIn", body))
        #expect(response.status == 303)
        #expect(Self.header(response, "X-ActionGate-Session") == claims)
    }

    @Test(arguments: ["", "name=", "name=al+ice", "name=%22x%22", "name=\(String(repeating: "a", count: 33))", "x=1"])
    func signInRefusesOddNames(body: String) async {
        let response = await router.respond(to: Self.post("/actions/signIn", body))
        #expect(response.status == 303)
        #expect(Self.header(response, "Location") == "/?msg=bad-name")
        #expect(Self.header(response, "X-ActionGate-Session") == nil)
    }

    @Test func signOutClearsTheSession() async {
        let response = await router.respond(to: Self.post("/actions/signOut", ""))
        #expect(Self.header(response, "X-ActionGate-Session") == "clear")
    }

    @Test func deleteReadsTheNoteOnlyFromBoundArguments() async {
        let first = notes.add(author: "alice", text: "one")
        let second = notes.add(author: "alice", text: "two")
        let alice = [("X-ActionGate-Subject", "alice")]
        // A note id in the form is ignored.
        let forged = await router.respond(to: Self.post("/actions/deleteNote", "note=\(first)", headers: alice))
        #expect(forged.status == 400)
        #expect(notes.all.count == 2)
        let bound = Base64URL.encode(Array("{\"note\":\(second)}".utf8))
        let response = await router.respond(
            to: Self.post("/actions/deleteNote", "note=\(first)", headers: alice + [("X-ActionGate-Bound-Args", bound)])
        )
        #expect(Self.header(response, "Location") == "/?msg=deleted")
        #expect(notes.all.map(\.id) == [first])
    }

    @Test func createNoteTakesTheAuthorFromTheGateway() async {
        let anonymous = await router.respond(to: Self.post("/actions/createNote", "text=hi&author=mallory"))
        #expect(anonymous.status == 401)
        let response = await router.respond(
            to: Self.post("/actions/createNote", "text=hi&author=mallory", headers: [("X-ActionGate-Subject", "bob")]))
        #expect(response.status == 303)
        #expect(notes.all.map(\.author) == ["bob"])
    }

    @Test func pageWithoutAnAdminListenerOffersNoDeleteButtons() async {
        notes.add(author: "alice", text: "mine")
        let response = await router.respond(
            to: DemoRequest(method: "GET", target: "/", headers: HeaderFields([("X-ActionGate-Subject", "alice")])))
        let html = String(decoding: response.body, as: UTF8.self)
        #expect(response.status == 200)
        #expect(html.contains("mine"))
        #expect(!html.contains("$ACTION_BOUND\" value="))
        #expect(Self.header(response, "Cache-Control") == "no-store")
    }

    @Test func notesAreBounded() {
        for index in 0..<(DemoNotes.capacity + 5) { notes.add(author: "a", text: "n\(index)") }
        notes.add(author: "a", text: String(repeating: "x", count: 1000))
        #expect(notes.all.count == DemoNotes.capacity)
        #expect(notes.all.first?.text.count == DemoNotes.maximumLength)
    }
}
