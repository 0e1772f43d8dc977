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
        var connection = ConnectionTokens()
        while true {
            guard position < head.count else { throw .invalidField }
            let lineStart = position
            guard let lineEnd = lineEnd(head, from: lineStart) else { throw .invalidLineEnding }
            position = lineEnd &+ 2
            if lineEnd == lineStart { break }
            let (name, value) = try fieldLine(head, lineStart..<lineEnd)
            let nameBytes = head.slice(name)
            switch name.count {
            case 14 where ASCII.equalsLowercase(nameBytes, Names.contentLength):
                guard contentLength == nil, let length = decimal(head.slice(value)) else { throw .invalidContentLength }
                contentLength = length
            case 17 where ASCII.equalsLowercase(nameBytes, Names.transferEncoding):
                try codings.add(head.slice(value))
            case 10 where ASCII.equalsLowercase(nameBytes, Names.connection):
                connection.add(head.slice(value))
            default:
                break
            }
            fields.append(HeaderFields.Field(name: head.string(name), value: head.string(value)))
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
        let keepAlive =
            !connection.close && framing != .untilClose && (minorVersion == 1 || connection.keepAlive)
        return ResponseHead(
            minorVersion: minorVersion, status: status, fields: HeaderFields(fields: fields),
            contentLength: contentLength, body: framing, keepAlive: keepAlive
        )
    }

    /// `HTTP/1.x SP 3DIGIT [SP reason] CRLF`; returns the minor version and the status.
    private static func statusLine(
        _ head: UnsafeBufferPointer<UInt8>, position: inout Int
    ) throws(ResponseDecodingError) -> (Int, Int) {
        guard let end = lineEnd(head, from: 0), end >= 12, ASCII.hasPrefix(head, Names.httpSlash1Dot) else {
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
            for index in 13..<end where !isFieldValueByte(head[index]) { throw .invalidStatusLine }
        }
        position = end &+ 2
        return (minor, status)
    }

    /// The name and the OWS-trimmed value of one field line (`line` excludes its CRLF).
    private static func fieldLine(
        _ head: UnsafeBufferPointer<UInt8>, _ line: Range<Int>
    ) throws(ResponseDecodingError) -> (Range<Int>, Range<Int>) {
        if ASCII.isOWS(head[line.lowerBound]) { throw .obsoleteLineFolding }
        var colon = line.lowerBound
        while colon < line.upperBound, head[colon] != ASCII.colon {
            guard ASCII.isTokenByte(head[colon]) else { throw .invalidField }
            colon &+= 1
        }
        guard colon < line.upperBound, colon > line.lowerBound else { throw .invalidField }
        for index in (colon &+ 1)..<line.upperBound where !isFieldValueByte(head[index]) { throw .invalidField }
        return (line.lowerBound..<colon, ASCII.trimmedOWS(head, (colon &+ 1)..<line.upperBound))
    }

    /// The index of the CR of the CRLF that ends the line starting at `start`; nil at a bare CR or
    /// when there is none.
    private static func lineEnd(_ head: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var index = start
        while index < head.count {
            if head[index] == ASCII.cr {
                return index &+ 1 < head.count && head[index &+ 1] == ASCII.lf ? index : nil
            }
            if head[index] == ASCII.lf { return nil }
            index &+= 1
        }
        return nil
    }

    /// HTAB, SP, visible ASCII and obs-text (RFC 9110 field-content): no other control byte.
    @inline(__always)
    static func isFieldValueByte(_ byte: UInt8) -> Bool {
        byte == ASCII.tab || (byte >= 0x20 && byte != 0x7F)
    }

    /// One or more ASCII digits, no sign, no overflow.
    static func decimal(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !bytes.isEmpty else { return nil }
        var result = 0
        for byte in bytes {
            guard ASCII.isDigit(byte) else { return nil }
            let (times10, overflow1) = result.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int(byte &- 0x30))
            guard !overflow1, !overflow2 else { return nil }
            result = sum
        }
        return result
    }

    /// The codings of every `Transfer-Encoding` field, in order.
    private struct TransferCodings {
        var isPresent = false
        var chunkedCount = 0
        var endsChunked = false

        mutating func add(_ value: UnsafeBufferPointer<UInt8>) throws(ResponseDecodingError) {
            isPresent = true
            var sawCoding = false
            var start = 0
            while start <= value.count {
                var end = start
                while end < value.count, value[end] != ASCII.comma { end &+= 1 }
                let coding = ASCII.trimmedOWS(value, start..<end)
                if !coding.isEmpty {
                    let bytes = value.slice(coding)
                    guard bytes.allSatisfy(ASCII.isTokenByte) else { throw .invalidTransferEncoding }
                    // `chunked` must be the last coding, applied once (RFC 9112 §6.1).
                    guard !endsChunked else { throw .invalidTransferEncoding }
                    endsChunked = ASCII.equalsLowercase(bytes, Names.chunked)
                    if endsChunked { chunkedCount &+= 1 }
                    sawCoding = true
                }
                start = end &+ 1
            }
            guard sawCoding, chunkedCount <= 1 else { throw .invalidTransferEncoding }
        }
    }

    /// The `close` and `keep-alive` options of every `Connection` field.
    private struct ConnectionTokens {
        var close = false
        var keepAlive = false

        mutating func add(_ value: UnsafeBufferPointer<UInt8>) {
            var start = 0
            while start <= value.count {
                var end = start
                while end < value.count, value[end] != ASCII.comma { end &+= 1 }
                let token = value.slice(ASCII.trimmedOWS(value, start..<end))
                if ASCII.equalsLowercase(token, Names.close) { close = true }
                if ASCII.equalsLowercase(token, Names.keepAlive) { keepAlive = true }
                start = end &+ 1
            }
        }
    }

    private enum Names {
        static let httpSlash1Dot = Array("HTTP/1.".utf8)
        static let contentLength = Array("content-length".utf8)
        static let transferEncoding = Array("transfer-encoding".utf8)
        static let connection = Array("connection".utf8)
        static let chunked = Array("chunked".utf8)
        static let close = Array("close".utf8)
        static let keepAlive = Array("keep-alive".utf8)
    }
}
