import ActionGateTestSupport
import Foundation

/// What a browser without JavaScript does, over a plain socket: GET pages, POST urlencoded forms with
/// the page's `Origin`, keep the cookies it is given, and never follow redirects on its own (the
/// tests check each 303).
struct DemoBrowser {
    struct Response {
        var status: Int
        var headers: [(String, String)]
        var body: String

        func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }

        func headerValues(_ name: String) -> [String] {
            headers.filter { $0.0.lowercased() == name.lowercased() }.map(\.1)
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let port: Int
    /// Cookie name → value, as `Set-Cookie` left them (an expired cookie is removed).
    var cookies: [String: String] = [:]

    var origin: String { "http://127.0.0.1:\(port)" }

    init(port: Int) {
        self.port = port
    }

    mutating func get(_ target: String) throws -> Response {
        try send(method: "GET", target: target, headers: [])
    }

    /// Posts `fields` urlencoded, as a form on this origin's page would (or on `origin`'s).
    mutating func post(_ target: String, _ fields: [(String, String)], origin: String? = nil) throws -> Response {
        let body = fields.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        return try send(
            method: "POST", target: target,
            headers: [("Origin", origin ?? self.origin), ("Content-Type", "application/x-www-form-urlencoded")],
            body: body)
    }

    mutating func send(method: String, target: String, headers: [(String, String)], body: String = "") throws
        -> Response
    {
        var request = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        if !cookies.isEmpty {
            request +=
                "Cookie: "
                + cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                .joined(separator: "; ") + "\r\n"
        }
        if method == "POST" { request += "Content-Length: \(body.utf8.count)\r\n" }
        request += "\r\n" + body
        let response = try Self.parse(try exchange(Array(request.utf8)))
        for header in response.headerValues("Set-Cookie") { remember(header) }
        return response
    }

    private mutating func remember(_ setCookie: String) {
        let attributes = setCookie.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let pair = attributes.first, let equals = pair.firstIndex(of: "=") else { return }
        let name = String(pair[..<equals])
        let expired = attributes.contains { $0.lowercased() == "max-age=0" }
        cookies[name] = expired ? nil : String(pair[pair.index(after: equals)...])
    }

    /// Form encoding as browsers do it: unreserved bytes as-is, space as `+`, the rest `%XX`.
    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "*"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "): out += "+"
            default: out += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return out
    }

    /// Sends `request` on a new connection and reads until the server closes it (10 s at most).
    private func exchange(_ request: [UInt8]) throws -> [UInt8] {
        let socket = try LoopbackSocket(port: port, receiveTimeout: 10)
        defer { socket.close() }
        try socket.send(request)
        return try socket.readToEnd()
    }

    /// Parses a whole response read to the connection's end (Content-Length or chunked body).
    static func parse(_ bytes: [UInt8]) throws -> Response {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard
            let split = (0...max(0, bytes.count - 4)).first(where: {
                bytes[$0..<min($0 + 4, bytes.count)].elementsEqual(separator)
            })
        else { throw Failure(description: "no response head") }
        let lines = String(decoding: bytes[..<split], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw Failure(description: "bad status line")
        }
        let headers = lines.dropFirst().compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        var body = Array(bytes[(split + 4)...])
        let chunked = headers.contains { $0.0.lowercased() == "transfer-encoding" && $0.1.lowercased() == "chunked" }
        if chunked { body = try dechunk(body) }
        return Response(status: status, headers: headers, body: String(decoding: body, as: UTF8.self))
    }

    static func dechunk(_ bytes: [UInt8]) throws -> [UInt8] {
        var index = 0
        var out: [UInt8] = []
        while let lineEnd = (index..<max(index, bytes.count - 1)).first(where: {
            bytes[$0] == 13 && bytes[$0 + 1] == 10
        }) {
            let sizeText = String(decoding: bytes[index..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText, radix: 16), size >= 0, lineEnd + 2 + size <= bytes.count else {
                throw Failure(description: "bad chunk")
            }
            if size == 0 { return out }
            out += bytes[(lineEnd + 2)..<(lineEnd + 2 + size)]
            index = lineEnd + 2 + size + 2
        }
        throw Failure(description: "truncated chunked body")
    }
}
