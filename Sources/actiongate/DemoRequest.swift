import ActionGateCore

/// One request as the demo app's handlers see it: already framed by NIO, body complete.
struct DemoRequest: Sendable {
    var method: String
    /// The path without the query.
    var path: String
    /// The query string without `?`, empty when absent.
    var query: String
    var headers: HeaderFields
    var body: [UInt8]

    init(method: String, target: String, headers: HeaderFields, body: [UInt8] = []) {
        self.method = method
        if let mark = target.firstIndex(of: "?") {
            path = String(target[..<mark])
            query = String(target[target.index(after: mark)...])
        } else {
            path = target
            query = ""
        }
        self.headers = headers
        self.body = body
    }

    /// The urlencoded form in the body, or nil for another content type or a malformed body.
    var form: DemoForm? {
        guard let type = headers.first("Content-Type"),
            type.lowercased().hasPrefix("application/x-www-form-urlencoded")
        else { return nil }
        return DemoForm(urlencoded: body)
    }

    /// The value of query parameter `name` (no decoding: the demo's own parameters are plain words).
    func queryValue(_ name: String) -> String? {
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if parts[0] == name { return parts.count > 1 ? String(parts[1]) : "" }
        }
        return nil
    }
}
