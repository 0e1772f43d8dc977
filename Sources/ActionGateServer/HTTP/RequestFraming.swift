import ActionGateCore
import NIOHTTP1

/// How a request body is delimited on the wire, as validated at the boundary.
enum RequestBodyFraming: Equatable {
    case none
    case contentLength(Int)
    case chunked
}

/// The framing facts of one request head that passed the boundary checks NIO's decoder (llhttp,
/// strict mode) leaves to us.
///
/// llhttp already refuses: CL+TE together, duplicate or non-numeric Content-Length, a request
/// Transfer-Encoding whose final coding is not `chunked`, obs-fold, control bytes (NUL, bare CR,
/// DEL) in names and values, bare LF line endings, invalid token characters in names, unknown or
/// lower-case methods, versions other than 1.0/1.1. It tolerates, and this type refuses:
/// absolute-form, authority-form and asterisk-form targets, `#` in the target, `\` in the path,
/// a missing or repeated `Host`, any Transfer-Encoding other than exactly `chunked` (e.g.
/// `gzip, chunked`), Transfer-Encoding on HTTP/1.0, and more than `maxHeaderCount` fields.
struct RequestFraming: Equatable {
    var body: RequestBodyFraming
    /// The client asked to keep the connection open (HTTP/1.1 default, HTTP/1.0 opt-in).
    var keepAlive: Bool
    /// `Expect: 100-continue` on HTTP/1.1.
    var expectsContinue: Bool
    /// The request carries `Upgrade`. The gateway never switches protocols, and NIO's decoder stops
    /// parsing after an upgrade request, so such a connection closes after its response.
    var asksUpgrade: Bool
    var isHTTP10: Bool

    /// Checks `head`, returning its framing or the first violation found.
    static func check(_ head: HTTPRequestHead, maxHeaderCount: Int) -> Result<RequestFraming, FramingViolation> {
        guard head.version.major == 1, head.version.minor <= 1 else { return .failure(.unsupportedVersion) }
        let isHTTP10 = head.version.minor == 0
        if let violation = checkTarget(head.uri) { return .failure(violation) }
        guard head.headers.count <= maxHeaderCount else { return .failure(.tooManyHeaderFields) }

        var hosts = 0
        var contentLengths = 0
        var contentLength: Int?
        var transferEncodings = 0
        var chunked = false
        var expectsContinue = false
        var asksUpgrade = false
        for (name, value) in head.headers {
            switch name.utf8.count {
            case 4 where name.asciiCaseInsensitiveEquals("host"):
                hosts += 1
            case 14 where name.asciiCaseInsensitiveEquals("content-length"):
                contentLengths += 1
                guard let length = parseContentLength(value) else { return .failure(.invalidContentLength) }
                contentLength = length
            case 17 where name.asciiCaseInsensitiveEquals("transfer-encoding"):
                transferEncodings += 1
                chunked = trimmed(value).asciiCaseInsensitiveEquals("chunked")
            case 6 where name.asciiCaseInsensitiveEquals("expect"):
                expectsContinue = !isHTTP10 && trimmed(value).asciiCaseInsensitiveEquals("100-continue")
            case 7 where name.asciiCaseInsensitiveEquals("upgrade"):
                asksUpgrade = true
            default:
                break
            }
        }
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
                keepAlive: head.isKeepAlive,
                expectsContinue: expectsContinue && body != .none,
                asksUpgrade: asksUpgrade,
                isHTTP10: isHTTP10
            )
        )
    }

    /// Only origin-form (`/path?query`) reaches the Gate: the gateway is not a forward proxy, and an
    /// absolute-form target could disagree with `Host` about which site is meant.
    private static func checkTarget(_ target: String) -> FramingViolation? {
        var bytes = target.utf8.makeIterator()
        guard bytes.next() == UInt8(ascii: "/") else { return .targetNotOriginForm }
        var inQuery = false
        while let byte = bytes.next() {
            switch byte {
            case UInt8(ascii: "#"): return .fragmentInTarget
            case UInt8(ascii: "?"): inQuery = true
            case UInt8(ascii: "\\") where !inQuery: return .backslashInPath
            default: continue
            }
        }
        return nil
    }

    /// Digits only (llhttp checked this too), no overflow.
    private static func parseContentLength(_ value: String) -> Int? {
        let text = trimmed(value)
        guard !text.isEmpty else { return nil }
        var result = 0
        for byte in text.utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (times10, overflow1) = result.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { return nil }
            result = sum
        }
        return result
    }

    private static func trimmed(_ value: String) -> Substring {
        let isOWS: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        let start = value.firstIndex { !isOWS($0) } ?? value.endIndex
        let end = value.lastIndex { !isOWS($0) }.map { value.index(after: $0) } ?? start
        return value[start..<max(start, end)]
    }
}

extension Substring {
    fileprivate func asciiCaseInsensitiveEquals(_ other: String) -> Bool {
        String(self).asciiCaseInsensitiveEquals(other)
    }
}
