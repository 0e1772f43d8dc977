/// The header names a message's `Connection` header lists (RFC 9110 §7.6.1), which are hop-by-hop
/// for that message and never forwarded.
///
/// At most `maxNames` names are kept, to bound the work per header; a name beyond the bound is
/// forwarded as an ordinary header, which is harmless: its sender could have sent it that way. The
/// common options `close` and `keep-alive` are skipped (no allocation for the usual request).
///
/// `Connection` cannot remove the end-to-end headers the Gate decides on (`protectedNames`):
/// otherwise a client could have the gateway check one request and the upstream read another
/// (Apache's CVE-2022-31813 was this trick against its own `X-Forwarded-*`; the gateway's own
/// headers are safe anyway, being added after stripping). A trusted proxy's forwarding headers
/// (`X-Forwarded-*`, `Forwarded`, `X-Real-IP`) are protected too: the gateway extends the proxy's
/// `X-Forwarded-For` chain, and without it the upstream would see the proxy's own (trusted) address
/// as the client. From untrusted peers the forwarding rule strips them regardless.
struct ConnectionOptions {
    static let maxNames = 32
    static let protectedNames: [[UInt8]] = [
        "host", "content-type", "content-encoding", "cookie", "origin", "sec-fetch-site", "next-action",
        "action-bound", "forwarded", "x-real-ip",
    ].map { Array($0.utf8) }
    private static let forwardedPrefix: [UInt8] = Array("x-forwarded-".utf8)
    private static let close: [UInt8] = Array("close".utf8)
    private static let keepAlive: [UInt8] = Array("keep-alive".utf8)

    private var names: [[UInt8]] = []

    init(_ headers: HeaderFields) {
        for field in headers where field.name.asciiCaseInsensitiveEquals("connection") {
            field.value.withUTF8Buffer { add(from: $0) }
        }
    }

    var isEmpty: Bool { names.isEmpty }

    private mutating func add(from bytes: UnsafeBufferPointer<UInt8>) {
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != ASCII.comma { end &+= 1 }
            let token = ASCII.trimmedOWS(bytes, start..<end)
            start = end &+ 1
            guard !token.isEmpty, names.count < Self.maxNames else { continue }
            let slice = bytes.slice(token)
            if ASCII.equalsLowercase(slice, Self.close) || ASCII.equalsLowercase(slice, Self.keepAlive) { continue }
            if Self.protectedNames.contains(where: { ASCII.equalsLowercase(slice, $0) }) { continue }
            if ASCII.hasLowercasePrefix(slice, Self.forwardedPrefix) { continue }
            names.append(slice.map(UInt8.asciiLowercased))
        }
    }

    func contains(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        names.contains { ASCII.equalsLowercase(name, $0) }
    }
}
