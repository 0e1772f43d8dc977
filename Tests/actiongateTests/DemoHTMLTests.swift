import Testing

@testable import actiongate

struct DemoHTMLTests {
    @Test(arguments: [
        ("plain text", "plain text"),
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("a & b", "a &amp; b"),
        ("\" onmouseover=\"x", "&quot; onmouseover=&quot;x"),
        ("it's", "it&#39;s"),
        ("&amp;", "&amp;amp;"),
        ("line\nbreak\ttab", "line\nbreak\ttab"),
        ("bell\u{07}esc\u{1B}[31m", "bell\u{FFFD}esc\u{FFFD}[31m"),
        ("del\u{7F}c1\u{85}", "del\u{FFFD}c1\u{FFFD}"),
        ("héllo 👋", "héllo 👋"),
        ("", ""),
    ])
    func escapes(input: String, expected: String) {
        #expect(DemoHTML.escape(input) == expected)
    }

    @Test func escapedTextNeverContainsMarkupCharacters() {
        let hostile = (0..<256).map { Character(Unicode.Scalar(UInt8($0))) }
        let escaped = DemoHTML.escape(String(hostile))
        #expect(!escaped.contains("<"))
        #expect(!escaped.contains(">"))
        #expect(!escaped.contains("\""))
        #expect(!escaped.contains("'"))
    }

    @Test func thePageEscapesNotesNamesAndRoles() {
        let note = DemoNotes.Note(id: 1, author: "<i>bob</i>", text: "<img src=x onerror=alert(1)>")
        let page = DemoPage(
            visitor: DemoVisitor(subject: "<b>eve</b>", roles: ["<u>admin</u>"]),
            notes: [DemoPage.ShownNote(note: note, deleteToken: "a\"b")], message: "<x>"
        ).html
        #expect(!page.contains("<img"))
        #expect(!page.contains("<i>bob"))
        #expect(!page.contains("<b>eve"))
        #expect(!page.contains("<u>admin"))
        #expect(page.contains("value=\"a&quot;b\""))
        #expect(!page.contains("<x>"))
        #expect(!page.contains("<script"))
    }
}
