import ActionGateCore
import NIOCore
import NIOHTTP1

/// Serialises response heads for clients straight from `HeaderFields` into one buffer.
///
/// The Server owns framing and connection management, so it drops the `Content-Length`,
/// `Transfer-Encoding`, `Connection` and `Keep-Alive` fields it is given and writes its own. As a
/// last line of defence it also drops any field whose name is not a token or whose value holds CR,
/// LF or NUL: header injection is impossible whatever the Gate returns.
enum ResponseHeadWriter {
    /// Writes the status line, `headers` (minus framing), framing and connection fields, and the
    /// blank line.
    ///
    /// - Parameter keepAliveForHTTP10: adds `Connection: keep-alive` (an HTTP/1.0 client opted in).
    static func write(
        status: Int,
        headers: HeaderFields,
        framing: ResponseBodyFraming,
        close: Bool,
        keepAliveForHTTP10: Bool,
        into buffer: inout ByteBuffer
    ) {
        let reason = HTTPResponseStatus(statusCode: status).reasonPhrase
        // The status line, framing and connection fields, and the fields.
        let estimate = reason.utf8.count &+ 96 &+ HeadWriter.size(of: headers)
        buffer.writeHead(estimatedSize: estimate) { head in
            writeStatusLine(status, reason: reason, into: &head)
            for field in headers.fields where isRelayable(name: field.name) {
                head.appendField(name: field.name, value: field.value, isLatin1: field.isLatin1)
            }
            switch framing {
            case .none(let advertisedLength?):
                writeContentLength(advertisedLength, into: &head)
            case .contentLength(let length):
                writeContentLength(length, into: &head)
            case .chunked:
                head.append("transfer-encoding: chunked\r\n")
            case .none(nil), .untilClose:
                break
            }
            if close {
                head.append("connection: close\r\n")
            } else if keepAliveForHTTP10 {
                head.append("connection: keep-alive\r\n")
            }
            head.append("\r\n")
        }
    }

    private static func writeStatusLine(_ status: Int, reason: String, into head: inout HeadWriter) {
        head.append("HTTP/1.1 ")
        head.appendDecimal(status)
        head.append(" ")
        head.append(reason)
        head.append("\r\n")
    }

    private static func writeContentLength(_ length: Int, into head: inout HeadWriter) {
        head.append("content-length: ")
        head.appendDecimal(length)
        head.append("\r\n")
    }

    /// False for framing/connection fields the Server regenerates and for unsafe bytes.
    static func isRelayable(_ field: HeaderFields.Field) -> Bool {
        isRelayable(name: field.name) && HeaderFieldSafety.isSafe(name: field.name, value: field.value)
    }

    /// False for the framing/connection fields the Server regenerates (the bytes are checked as
    /// they are written).
    private static func isRelayable(name: String) -> Bool {
        switch name.utf8.count {
        case 10 where name.asciiCaseInsensitiveEquals("connection"),
            10 where name.asciiCaseInsensitiveEquals("keep-alive"),
            14 where name.asciiCaseInsensitiveEquals("content-length"),
            17 where name.asciiCaseInsensitiveEquals("transfer-encoding"):
            return false
        default:
            return true
        }
    }
}

/// Byte-level checks for header fields the gateway writes.
enum HeaderFieldSafety {
    /// A token name (RFC 9110 tchar) and a value free of CR, LF and NUL.
    static func isSafe(name: String, value: String) -> Bool {
        guard !name.isEmpty, name.utf8.allSatisfy(isTokenByte) else { return false }
        return value.utf8.allSatisfy(isValueByte)
    }

    /// Any byte but CR, LF and NUL (which could end or split the line).
    static func isValueByte(_ byte: UInt8) -> Bool {
        byte != 0x0D && byte != 0x0A && byte != 0x00
    }

    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }
}
