/// Parses one complete request head — request line, field lines and the empty line — and checks
/// its framing (RFC 9112 §3, §5, §6), refusing whatever could be read two ways.
///
/// The request line is `method SP target SP HTTP/1.x CRLF`, with llhttp's tolerance of repeated
/// spaces between its parts (the parts are still unambiguous); the method is one llhttp knows, in
/// upper case; the target is visible ASCII. Fields are `token ":" OWS value OWS` without control
/// bytes other than HTAB, no obs-fold. Then the framing checks: only origin-form targets without
/// `#` (and without `\` in the path), exactly one `Host` on HTTP/1.1, at most one `Content-Length`
/// and only digits, `Transfer-Encoding` only as exactly `chunked`, never with `Content-Length` or on
/// HTTP/1.0, at most `maxHeaderCount` fields.
enum RequestHeadParser {
    /// The methods llhttp accepts for HTTP/1.x (its `HTTP_METHOD_MAP`, less `PRI`).
    static let methods: Set<String> = [
        "DELETE", "GET", "HEAD", "POST", "PUT", "CONNECT", "OPTIONS", "TRACE", "COPY", "LOCK", "MKCOL", "MOVE",
        "PROPFIND", "PROPPATCH", "SEARCH", "UNLOCK", "BIND", "REBIND", "UNBIND", "ACL", "REPORT", "MKACTIVITY",
        "CHECKOUT", "MERGE", "M-SEARCH", "NOTIFY", "SUBSCRIBE", "UNSUBSCRIBE", "PATCH", "PURGE", "MKCALENDAR",
        "LINK", "UNLINK", "SOURCE", "QUERY",
    ]

    /// Parses `head`, which starts at the request line and ends with the empty line.
    static func parse(
        _ head: UnsafeBufferPointer<UInt8>, maxHeaderCount: Int
    ) throws(RequestDecodingError) -> DecodedRequestHead {
        var position = 0
        let (method, methodName, target, minorVersion) = try requestLine(head, position: &position)
        var fields: [HeaderFields.Field] = []
        fields.reserveCapacity(12)
        var facts = FramingFacts()
        while true {
            let line: (name: Range<Int>, value: Range<Int>)?
            do {
                line = try HTTPHeadSyntax.nextFieldLine(head, position: &position)
            } catch .obsoleteLineFolding {
                throw RequestDecodingError(.parseError, "obsolete line folding")
            } catch .bareCR {
                throw RequestDecodingError(.parseError, "bare CR in the head")
            } catch {
                throw RequestDecodingError(.parseError, "invalid header field")
            }
            guard let (name, value) = line else { break }
            guard fields.count < maxHeaderCount else {
                throw RequestDecodingError(.tooManyHeaderFields, "more than \(maxHeaderCount) fields")
            }
            facts.add(name: head.slice(name), value: head.slice(value), isHTTP10: minorVersion == 0)
            // Bytes that are not UTF-8 (obs-text in ISO-8859-1, say) cannot be kept as they came in a
            // `String`; repaired they would reach the upstream changed, so the request is refused.
            guard let text = head.validString(value) else {
                throw RequestDecodingError(.parseError, "a header value that is not UTF-8")
            }
            fields.append(HeaderFields.Field(name: head.string(name), value: text))
        }
        guard position == head.count else { throw RequestDecodingError(.parseError, "bytes after the head") }
        // A CONNECT turns the rest of the connection into a tunnel for llhttp: the gateway, which never
        // tunnels, reads nothing after it either (and refuses it: no route allows CONNECT).
        if method.count == 7, ASCII.hasPrefix(head.slice(method), HTTPHeadSyntax.Names.connect) {
            facts.asksUpgrade = true
        }
        let framing = facts.framing(target: head.slice(target), isHTTP10: minorVersion == 0)
        return DecodedRequestHead(
            method: methodName, target: head.string(target), minorVersion: minorVersion,
            fields: HeaderFields(fields: fields), framing: framing
        )
    }

    /// The method named by `bytes` when llhttp knows it; `POST`, `GET` and `HEAD` as literals (no
    /// string built, no set hashed for the methods nearly every request uses).
    static func knownMethod(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        typealias Names = HTTPHeadSyntax.Names
        switch bytes.count {
        case 4 where ASCII.hasPrefix(bytes, Names.post): return "POST"
        case 3 where ASCII.hasPrefix(bytes, Names.get): return "GET"
        case 4 where ASCII.hasPrefix(bytes, Names.head): return "HEAD"
        case 1...16:
            let name = bytes.string(0..<bytes.count)
            return methods.contains(name) ? name : nil
        default: return nil
        }
    }

    /// `method 1*SP target 1*SP HTTP/1.x CRLF`: the method's range and name, the target's range and
    /// the minor version.
    private static func requestLine(
        _ head: UnsafeBufferPointer<UInt8>, position: inout Int
    ) throws(RequestDecodingError) -> (Range<Int>, String, Range<Int>, Int) {
        let invalid = RequestDecodingError(.parseError, "invalid request line")
        guard let end = HTTPHeadSyntax.lineEnd(head, from: 0) else { throw invalid }
        var index = 0
        while index < end, head[index] != ASCII.space { index &+= 1 }
        let method = 0..<index
        guard let methodName = knownMethod(head.slice(method)) else {
            throw RequestDecodingError(.parseError, "unknown method")
        }
        while index < end, head[index] == ASCII.space { index &+= 1 }
        let targetStart = index
        while index < end, head[index] != ASCII.space {
            guard head[index] > 0x20, head[index] < 0x7F else { throw invalid }
            index &+= 1
        }
        let target = targetStart..<index
        while index < end, head[index] == ASCII.space { index &+= 1 }
        guard !target.isEmpty, target.upperBound < index, end &- index == 8 else { throw invalid }
        let version = head.slice(index..<end)
        guard ASCII.hasPrefix(version, HTTPHeadSyntax.Names.httpSlash), ASCII.isDigit(version[5]),
            version[6] == ASCII.dot, ASCII.isDigit(version[7])
        else { throw invalid }
        guard version[5] == UInt8(ascii: "1"), version[7] <= UInt8(ascii: "1") else {
            throw RequestDecodingError(.unsupportedVersion, "not HTTP/1.0 or HTTP/1.1")
        }
        let minor = Int(version[7] &- 0x30)
        position = end &+ 2
        return (method, methodName, target, minor)
    }

    /// What the framing checks need from the fields, gathered in the parsing pass.
    private struct FramingFacts {
        var hosts = 0
        var contentLengths = 0
        var contentLength: Int?
        var invalidContentLength = false
        var transferEncodings = 0
        var chunked = false
        var expectsContinue = false
        var asksUpgrade = false
        var connection = HTTPHeadSyntax.ConnectionOptions()

        mutating func add(name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>, isHTTP10: Bool) {
            typealias Names = HTTPHeadSyntax.Names
            switch name.count {
            case 4 where ASCII.equalsLowercase(name, Names.host):
                hosts &+= 1
            case 14 where ASCII.equalsLowercase(name, Names.contentLength):
                contentLengths &+= 1
                if let length = HTTPHeadSyntax.decimal(value) {
                    contentLength = length
                } else {
                    invalidContentLength = true
                }
            case 17 where ASCII.equalsLowercase(name, Names.transferEncoding):
                transferEncodings &+= 1
                chunked = ASCII.equalsLowercase(value, Names.chunked)
            case 6 where ASCII.equalsLowercase(name, Names.expect):
                expectsContinue = !isHTTP10 && ASCII.equalsLowercase(value, Names.continue100)
            case 7 where ASCII.equalsLowercase(name, Names.upgrade):
                asksUpgrade = true
            case 10 where ASCII.equalsLowercase(name, Names.connection):
                connection.add(value)
            default:
                break
            }
        }

        func framing(target: UnsafeBufferPointer<UInt8>, isHTTP10: Bool) -> Result<RequestFraming, FramingViolation> {
            if let violation = RequestHeadParser.checkTarget(target) { return .failure(violation) }
            if invalidContentLength { return .failure(.invalidContentLength) }
            if hosts > 1 { return .failure(.multipleHosts) }
            if hosts == 0 && !isHTTP10 { return .failure(.missingHost) }
            if contentLengths > 1 { return .failure(.multipleContentLengths) }
            let body: RequestBodyFraming
            if transferEncodings > 0 {
                if isHTTP10 { return .failure(.transferEncodingInHTTP10) }
                if contentLengths > 0 { return .failure(.contentLengthWithTransferEncoding) }
                guard transferEncodings == 1, chunked else { return .failure(.unsupportedTransferEncoding) }
                body = .chunked
            } else if let contentLength, contentLength > 0 {
                body = .contentLength(contentLength)
            } else {
                body = .none
            }
            return .success(
                RequestFraming(
                    body: body,
                    keepAlive: connection.keepsAlive(minorVersion: isHTTP10 ? 0 : 1),
                    expectsContinue: expectsContinue && body != .none,
                    asksUpgrade: asksUpgrade,
                    isHTTP10: isHTTP10
                )
            )
        }
    }

    /// Only origin-form (`/path?query`) reaches the Gate: the gateway is not a forward proxy, and an
    /// absolute-form target could disagree with `Host` about which site is meant.
    static func checkTarget(_ target: UnsafeBufferPointer<UInt8>) -> FramingViolation? {
        guard target.first == ASCII.slash else { return .targetNotOriginForm }
        var inQuery = false
        for byte in target.dropFirst() {
            switch byte {
            case ASCII.hash: return .fragmentInTarget
            case ASCII.question: inQuery = true
            case ASCII.backslash where !inQuery: return .backslashInPath
            default: continue
            }
        }
        return nil
    }
}
