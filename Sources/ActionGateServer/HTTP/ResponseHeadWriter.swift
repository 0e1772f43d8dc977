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
        writeStatusLine(status, into: &buffer)
        for field in headers.fields where isRelayable(field) {
            buffer.writeString(field.name)
            buffer.writeStaticString(": ")
            buffer.writeString(field.value)
            buffer.writeStaticString("\r\n")
        }
        switch framing {
        case .none(let advertisedLength?):
            writeContentLength(advertisedLength, into: &buffer)
        case .contentLength(let length):
            writeContentLength(length, into: &buffer)
        case .chunked:
            buffer.writeStaticString("transfer-encoding: chunked\r\n")
        case .none(nil), .untilClose:
            break
        }
        if close {
            buffer.writeStaticString("connection: close\r\n")
        } else if keepAliveForHTTP10 {
            buffer.writeStaticString("connection: keep-alive\r\n")
        }
        buffer.writeStaticString("\r\n")
    }

    static func writeStatusLine(_ status: Int, into buffer: inout ByteBuffer) {
        buffer.writeStaticString("HTTP/1.1 ")
        buffer.writeString(String(status))
        buffer.writeStaticString(" ")
        buffer.writeString(HTTPResponseStatus(statusCode: status).reasonPhrase)
        buffer.writeStaticString("\r\n")
    }

    private static func writeContentLength(_ length: Int, into buffer: inout ByteBuffer) {
        buffer.writeStaticString("content-length: ")
        buffer.writeString(String(length))
        buffer.writeStaticString("\r\n")
    }

    /// False for framing/connection fields the Server regenerates and for unsafe bytes.
    static func isRelayable(_ field: HeaderFields.Field) -> Bool {
        switch field.name.utf8.count {
        case 10 where field.name.asciiCaseInsensitiveEquals("connection"),
            10 where field.name.asciiCaseInsensitiveEquals("keep-alive"),
            14 where field.name.asciiCaseInsensitiveEquals("content-length"),
            17 where field.name.asciiCaseInsensitiveEquals("transfer-encoding"):
            return false
        default:
            return HeaderFieldSafety.isSafe(name: field.name, value: field.value)
        }
    }
}

/// Byte-level checks for header fields the gateway writes.
enum HeaderFieldSafety {
    /// A token name (RFC 9110 tchar) and a value free of CR, LF and NUL.
    static func isSafe(name: String, value: String) -> Bool {
        guard !name.isEmpty, name.utf8.allSatisfy(isTokenByte) else { return false }
        return !value.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }
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
