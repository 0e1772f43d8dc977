/// What a demo handler answers: status, headers, body.
struct DemoResponse: Sendable {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]

    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

    /// The HTML page. `no-store`: it carries sealed tokens minted for this visitor.
    static func page(_ html: String, status: Int = 200) -> DemoResponse {
        DemoResponse(
            status: status,
            headers: [
                ("Content-Type", "text/html; charset=utf-8"),
                ("Cache-Control", "no-store"),
                // No script may run at all; forms may only post back to this origin.
                ("Content-Security-Policy", contentSecurityPolicy),
                ("X-Content-Type-Options", "nosniff"),
                ("Referrer-Policy", "same-origin"),
            ],
            body: Array(html.utf8))
    }

    /// A 303 back to the page (the post/redirect/get pattern that needs no JavaScript), with an
    /// optional message code the page turns into fixed text.
    static func backToPage(message: String? = nil, extra: [(String, String)] = []) -> DemoResponse {
        let location = message.map { "/?msg=\($0)" } ?? "/"
        return DemoResponse(status: 303, headers: [("Location", location)] + extra, body: [])
    }

    /// A short plain-text answer (errors the gateway should already have prevented).
    static func text(_ status: Int, _ text: String) -> DemoResponse {
        DemoResponse(
            status: status, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Array((text + "\n").utf8))
    }
}
