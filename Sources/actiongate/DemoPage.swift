/// The demo app's only page: plain HTML forms (no JavaScript), each posting to one action.
///
/// Everything that is not a literal of this file goes through `DemoHTML.escape`: names and notes
/// are user input, and tokens are treated the same way on principle.
struct DemoPage: Sendable {
    /// A note as shown, with the sealed token of its delete button (nil: no button).
    struct ShownNote: Sendable {
        var note: DemoNotes.Note
        var deleteToken: String?
    }

    var visitor: DemoVisitor
    var notes: [ShownNote]
    /// A message code from the query (`?msg=`); unknown codes show nothing.
    var message: String?

    /// Fixed texts for `?msg=` codes: the query is never echoed.
    static let messages: [String: String] = [
        "signed-in": "Signed in. The gateway sealed your session into the cookie actiongate-demo.",
        "signed-out": "Signed out. The gateway expired the session cookie.",
        "bad-name": "A name is 1 to 32 letters, digits, dots, dashes or underscores.",
        "added": "Note added.",
        "empty-note": "A note needs some text.",
        "deleted": "Note deleted: its id came from the sealed $ACTION_BOUND token, never from the form.",
        "gone": "That note was already gone.",
        "cleared": "All notes deleted (an admins-only action).",
    ]

    var html: String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>ActionGate demo</title>
        <style>\(Self.style)</style>
        </head>
        <body>
        <header><h1>ActionGate demo</h1><p class="who">\(identity)</p></header>
        <main>
        \(flash)
        \(account)
        \(notesSection)
        \(adminSection)
        \(Self.explanation)
        </main>
        </body>
        </html>

        """
    }

    var identity: String {
        guard let subject = visitor.subject else { return "Not signed in" }
        let roles = visitor.roles.isEmpty ? "none" : visitor.roles.map { DemoHTML.escape($0) }.joined(separator: ", ")
        return "Signed in as <strong id=\"subject\">\(DemoHTML.escape(subject))</strong> · roles: \(roles)"
            + " <small>(from X-ActionGate-Subject, which only the gateway sets)</small>"
    }

    /// Message codes that report a refusal by the app itself (shown as errors).
    static let errors: Set<String> = ["bad-name", "empty-note", "gone"]

    var flash: String {
        guard let message, let text = Self.messages[message] else { return "" }
        let kind = Self.errors.contains(message) ? "flash error" : "flash"
        return "<p class=\"\(kind)\" role=\"status\">\(DemoHTML.escape(text))</p>"
    }

    var account: String {
        guard visitor.subject != nil else {
            return """
                <section>
                <h2>Sign in</h2>
                <form method="post" action="/actions/signIn">
                <label>Name <input name="name" required maxlength="32" autocomplete="username"></label>
                <button type="submit">Sign in</button>
                </form>
                <p class="hint">No password: this is a demo. Sign in as <code>admin</code> to get the admin role.
                The app answers with <code>X-ActionGate-Session</code>; the gateway turns it into a sealed cookie.</p>
                </section>
                """
        }
        return """
            <section>
            <h2>Account</h2>
            <form method="post" action="/actions/signOut"><button type="submit">Sign out</button></form>
            </section>
            """
    }

    var notesSection: String {
        let items =
            notes.isEmpty
            ? "<p class=\"hint\">No notes yet.</p>"
            : "<ul class=\"notes\">\n" + notes.map(item).joined(separator: "\n") + "\n</ul>"
        let create =
            visitor.subject == nil
            ? "<p class=\"hint\">Sign in to add notes.</p>"
            : """
            <form method="post" action="/actions/createNote" class="create">
            <label>New note
            <textarea name="text" required maxlength="\(DemoNotes.maximumLength)" rows="2"></textarea></label>
            <button type="submit">Add note</button>
            </form>
            """
        return "<section>\n<h2>Notes</h2>\n\(items)\n\(create)\n</section>"
    }

    func item(_ shown: ShownNote) -> String {
        var html = "<li><p class=\"text\">\(DemoHTML.escape(shown.note.text))</p>"
        html += "<p class=\"by\">by \(DemoHTML.escape(shown.note.author))</p>"
        if let token = shown.deleteToken {
            // The note id travels only inside the sealed token: the handler reads it from
            // X-ActionGate-Bound-Args, which the gateway sets after opening the token.
            html += """
                <form method="post" action="/actions/deleteNote">\
                <input type="hidden" name="$ACTION_BOUND" value="\(DemoHTML.escape(token))">\
                <button type="submit" class="delete">Delete</button></form>
                """
        }
        return html + "</li>"
    }

    var adminSection: String {
        """
        <section>
        <h2>Admin</h2>
        <form method="post" action="/actions/clearNotes">
        <button type="submit" class="danger">Delete all notes</button></form>
        <p class="hint">Policy <code>admins</code>: sessions without the role <code>admin</code> get
        <code>403 forbidden</code>, visitors without a session <code>401 unauthenticated</code>, from the
        gateway.</p>
        </section>
        """
    }

    static let explanation = """
        <section class="about">
        <h2>What is happening</h2>
        <p>This page is served by a deliberately naive app: it has no CSRF tokens, no role checks and trusts
        the identity headers it receives. Every protection here is ActionGate's, in front of it:</p>
        <ul>
        <li>Each form posts to an action. The gateway checks the <code>Origin</code>, opens the session cookie,
        runs the action's policy and only then forwards the request. Unknown actions never reach the app.</li>
        <li>A delete button carries the note id sealed (AES-256-GCM) for the action <code>deleteNote</code> and for
        you: it cannot be read, changed, or replayed by another user.</li>
        <li>The terminal running <code>actiongate demo</code> prints every decision.</li>
        </ul>
        <form method="post" action="/actions/deleteNote">
        <input type="hidden" name="note" value="1">
        <button type="submit" class="secondary">Try: delete note 1 with a plain id and no sealed token</button>
        </form>
        </section>
        """

    static let style = """
        body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1d2330}
        header{background:#1d2330;color:#fff;padding:1rem 1.5rem}
        header h1{margin:0;font-size:1.4rem}
        .who{margin:.25rem 0 0}.who small{color:#aab}
        main{max-width:44rem;margin:1.5rem auto;padding:0 1rem}
        section{background:#fff;border:1px solid #dde;border-radius:8px;padding:1rem 1.25rem;margin-bottom:1rem}
        h2{margin:0 0 .75rem;font-size:1.1rem}
        label{display:block;margin-bottom:.5rem}
        input,textarea{font:inherit;padding:.35rem .5rem;border:1px solid #bbc;border-radius:4px;width:100%;
        box-sizing:border-box}
        button{font:inherit;padding:.35rem .9rem;border-radius:4px;border:1px solid #2f5bd3;background:#2f5bd3;
        color:#fff;cursor:pointer}
        button.delete{background:#fff;color:#b3261e;border-color:#b3261e;padding:.1rem .6rem}
        button.danger{background:#b3261e;border-color:#b3261e}
        button.secondary{background:#fff;color:#2f5bd3}
        .hint{color:#667;font-size:.9rem}
        .flash{background:#e7f5ea;border:1px solid #9c9;border-radius:8px;padding:.6rem 1rem}
        .flash.error{background:#fdecea;border-color:#e3a29c}
        .notes{list-style:none;padding:0;margin:0 0 1rem}
        .notes li{border-bottom:1px solid #eef;padding:.5rem 0;display:grid;grid-template-columns:1fr auto;gap:0 1rem}
        .notes .text{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}
        .notes .by{margin:0;color:#667;font-size:.85rem;grid-row:2}
        .notes form{grid-row:1/3;grid-column:2;align-self:center}
        code{background:#eef;padding:0 .2rem;border-radius:3px}
        .about ul{padding-left:1.2rem}
        """
}
