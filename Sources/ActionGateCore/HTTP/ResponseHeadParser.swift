/// Parses one complete response head — status line, field lines and the empty line — and validates
/// its framing (RFC 9112 §4, §5, §6.3), as strictly as llhttp's strict mode.
///
/// The caller (`ResponseDecoder`) has already found the head's end and checked that every LF is
/// preceded by CR. Refused: a version other than HTTP/1.0 or 1.1, a status outside 100–599,
/// control bytes in the reason or a value, whitespace before a field's colon, obs-fold, a bare CR,
/// `Content-Length` that is not one decimal number or appears twice, `Transfer-Encoding` with
/// `Content-Length`, and `chunked` applied twice or not last.
enum ResponseHeadParser {
    /// Parses `head` (which ends with the empty line) for a request whose method was HEAD or not.
    static func parse(_ head: UnsafeBufferPointer<UInt8>, isHEAD: Bool) throws(ResponseDecodingError) -> ResponseHead {
        var position = 0
        let (minorVersion, status) = try statusLine(head, position: &position)
        var fields: [HeaderFields.Field] = []
        fields.reserveCapacity(8)
        var contentLength: Int?
        var codings = TransferCodings()
        var connection = HTTPHeadSyntax.ConnectionOptions()
        while true {
            let line: (name: Range<Int>, value: Range<Int>)?
            do {
                line = try HTTPHeadSyntax.nextFieldLine(head, position: &position)
            } catch .obsoleteLineFolding {
                throw .obsoleteLineFolding
            } catch .bareCR {
                throw .invalidLineEnding
            } catch {
                throw .invalidField
            }
            guard let (name, value) = line else { break }
            let nameBytes = head.slice(name)
            switch name.count {
            case 14 where ASCII.equalsLowercase(nameBytes, HTTPHeadSyntax.Names.contentLength):
                guard contentLength == nil, let length = HTTPHeadSyntax.decimal(head.slice(value)) else {
                    throw .invalidContentLength
                }
                contentLength = length
            case 17 where ASCII.equalsLowercase(nameBytes, HTTPHeadSyntax.Names.transferEncoding):
                try codings.add(head.slice(value))
            case 10 where ASCII.equalsLowercase(nameBytes, HTTPHeadSyntax.Names.connection):
                connection.add(head.slice(value))
            default:
                break
            }
            // A value that is not UTF-8 (a legacy upstream's ISO-8859-1 filename) is kept byte for byte.
            if let text = head.validString(value) {
                fields.append(HeaderFields.Field(name: head.string(name), value: text))
            } else {
                fields.append(
                    HeaderFields.Field(name: head.string(name), value: head.latin1String(value), isLatin1: true))
            }
        }
        guard position == head.count else { throw .invalidField }

        let body: ResponseHead.Body
        if codings.isPresent {
            guard contentLength == nil else { throw .invalidTransferEncoding }
            body = codings.endsChunked ? .chunked : .untilClose
        } else if let contentLength {
            body = .contentLength(contentLength)
        } else {
            body = .untilClose
        }
        let noBody = isHEAD || status < 200 || status == 204 || status == 304
        let framing = noBody ? .none : body
        let keepAlive = framing != .untilClose && connection.keepsAlive(minorVersion: minorVersion)
        return ResponseHead(
            minorVersion: minorVersion, status: status, fields: HeaderFields(fields: fields),
            contentLength: contentLength, body: framing, keepAlive: keepAlive,
            hasOtherTransferCoding: codings.otherCount > 0
        )
    }

    /// `HTTP/1.x SP 3DIGIT [SP reason] CRLF`; returns the minor version and the status.
    private static func statusLine(
        _ head: UnsafeBufferPointer<UInt8>, position: inout Int
    ) throws(ResponseDecodingError) -> (Int, Int) {
        guard let end = HTTPHeadSyntax.lineEnd(head, from: 0), end >= 12,
            ASCII.hasPrefix(head, HTTPHeadSyntax.Names.httpSlash1Dot)
        else {
            throw .invalidStatusLine
        }
        let minor: Int
        switch head[7] {
        case UInt8(ascii: "0"): minor = 0
        case UInt8(ascii: "1"): minor = 1
        default: throw .invalidStatusLine
        }
        guard head[8] == ASCII.space, ASCII.isDigit(head[9]), ASCII.isDigit(head[10]), ASCII.isDigit(head[11]) else {
            throw .invalidStatusLine
        }
        let status = Int(head[9] &- 0x30) &* 100 &+ Int(head[10] &- 0x30) &* 10 &+ Int(head[11] &- 0x30)
        guard (100...599).contains(status) else { throw .invalidStatusLine }
        if end > 12 {
            guard head[12] == ASCII.space else { throw .invalidStatusLine }
            for index in 13..<end where !HTTPHeadSyntax.isFieldValueByte(head[index]) { throw .invalidStatusLine }
        }
        position = end &+ 2
        return (minor, status)
    }

    /// The codings of every `Transfer-Encoding` field, in order.
    private struct TransferCodings {
        var isPresent = false
        var chunkedCount = 0
        /// Codings other than `chunked`.
        var otherCount = 0
        var endsChunked = false

        mutating func add(_ value: UnsafeBufferPointer<UInt8>) throws(ResponseDecodingError) {
            isPresent = true
            var sawCoding = false
            var valid = true
            HTTPHeadSyntax.forEachListElement(value) { coding in
                guard !coding.isEmpty, valid else { return }
                // A token, and `chunked` the last coding, applied once (RFC 9112 §6.1).
                guard coding.allSatisfy(ASCII.isTokenByte), !endsChunked else {
                    valid = false
                    return
                }
                endsChunked = ASCII.equalsLowercase(coding, HTTPHeadSyntax.Names.chunked)
                if endsChunked { chunkedCount &+= 1 } else { otherCount &+= 1 }
                sawCoding = true
            }
            guard valid else { throw .invalidTransferEncoding }
            guard sawCoding, chunkedCount <= 1 else { throw .invalidTransferEncoding }
        }
    }
}
