import ActionGateCore
import ActionGateCrypto
import Foundation

/// The sample action handler behind the demo gateway: one page and five actions.
///
/// It is deliberately naive — no CSRF token, no role checks, identity taken from headers — so that
/// everything the demo shows is the gateway's doing. The one rule it keeps is the one the gateway
/// cannot keep for it: a note id to delete is read from `X-ActionGate-Bound-Args` (the sealed value
/// the gateway opened), never from the form.
struct DemoAppRouter: Sendable {
    let notes: DemoNotes
    let sealer: DemoSealer

    /// The actions the demo configuration declares, with their paths (`/actions/<id>`).
    static let actions = ["signIn", "signOut", "createNote", "deleteNote", "clearNotes"]
    /// How long a delete button's sealed token stays valid.
    static let deleteTokenTTL = "10m"

    func respond(to request: DemoRequest) async -> DemoResponse {
        let visitor = DemoVisitor(headers: request.headers)
        switch (request.method, request.path) {
        case ("GET", "/"), ("HEAD", "/"):
            return await page(for: visitor, message: request.queryValue("msg"))
        case ("POST", "/actions/signIn"):
            return signIn(request.form)
        case ("POST", "/actions/signOut"):
            return .backToPage(message: "signed-out", extra: [("X-ActionGate-Session", "clear")])
        case ("POST", "/actions/createNote"):
            return createNote(request.form, visitor: visitor)
        case ("POST", "/actions/deleteNote"):
            return deleteNote(request.headers)
        case ("POST", "/actions/clearNotes"):
            notes.removeAll()
            return .backToPage(message: "cleared")
        case ("GET", _), ("HEAD", _):
            return .text(404, "not found")
        default:
            return .text(405, "method not allowed")
        }
    }

    /// The page, with a delete token sealed for each note this visitor may delete: their own, or
    /// every note for an admin. Each token is bound to `deleteNote` and to the visitor's subject.
    func page(for visitor: DemoVisitor, message: String?) async -> DemoResponse {
        let all = notes.all
        var tokens: [String?] = Array(repeating: nil, count: all.count)
        if let subject = visitor.subject {
            let deletable = all.indices.filter { visitor.isAdmin || all[$0].author == subject }
            let sealed = await sealer.seal(
                deletable.map { index in
                    DemoSealer.Request(
                        action: "deleteNote", args: .object(["note": .number(Double(all[index].id))]), subject: subject,
                        ttl: Self.deleteTokenTTL)
                })
            for (index, token) in zip(deletable, sealed) { tokens[index] = token }
        }
        let shown = zip(all, tokens).map { DemoPage.ShownNote(note: $0, deleteToken: $1) }
        return .page(DemoPage(visitor: visitor, notes: shown, message: message).html)
    }

    /// Signs in with just a name (a demo): answers with the claims the gateway seals into the cookie.
    func signIn(_ form: DemoForm?) -> DemoResponse {
        guard let name = form?.value("name"), Self.isValidName(name) else { return .backToPage(message: "bad-name") }
        let roles: [JSONValue] = name == "admin" ? [.string("admin")] : []
        let claims = JSONValue.object(["sub": .string(name), "roles": .array(roles)])
        return .backToPage(message: "signed-in", extra: [("X-ActionGate-Session", claims.serialized())])
    }

    func createNote(_ form: DemoForm?, visitor: DemoVisitor) -> DemoResponse {
        // The policy `signed-in` means the gateway only forwards requests with a session.
        guard let author = visitor.subject else { return .text(401, "no session") }
        let text = form?.value("text")?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard !text.isEmpty else { return .backToPage(message: "empty-note") }
        notes.add(author: author, text: text)
        return .backToPage(message: "added")
    }

    /// Deletes the note named by the sealed bound arguments `{"note": <id>}`.
    func deleteNote(_ headers: HeaderFields) -> DemoResponse {
        guard let encoded = headers.first(GatewayHeaders.boundArguments),
            let bytes = try? Base64URL.decode(encoded), case .object(let args)? = try? JSONValue(parsing: bytes),
            case .number(let number)? = args["note"], let id = Int(exactly: number)
        else {
            // Unreachable through the gateway: the action requires bound arguments.
            return .text(400, "missing bound arguments")
        }
        return .backToPage(message: notes.remove(id: id) ? "deleted" : "gone")
    }

    /// 1–32 ASCII letters, digits, `.`, `_`, `-`: a valid session `sub` and safe anywhere.
    static func isValidName(_ name: String) -> Bool {
        (1...32).contains(name.utf8.count)
            && name.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                    true
                default: false
                }
            }
    }
}
