#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The pieces of RFC 9112 head syntax that request and response heads share, on raw bytes: the end
/// of a head, lines, field lines, list values, decimal lengths.
enum HTTPHeadSyntax {
    /// Why a field line is not `token ":" OWS value OWS CRLF`.
    enum FieldLineProblem: Error {
        /// The line starts with whitespace (obs-fold, RFC 9112 §5.2).
        case obsoleteLineFolding
        /// A CR not followed by LF.
        case bareCR
        /// Not a token before the colon, no colon, or a control byte in the value.
        case invalid
    }

    /// A LF not preceded by CR.
    struct BareLF: Error {}

    /// The index just past the empty line that ends the head in `bytes`, searching LFs from
    /// `scanned` up to `limit`; nil when there is none yet. Every LF on the way must follow a CR, so
    /// the parsers after it only need to check CRs.
    static func headEnd(
        _ bytes: UnsafeBufferPointer<UInt8>, from scanned: Int, limit: Int
    ) throws(BareLF) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        let end = min(bytes.count, limit)
        var index = scanned
        while index < end {
            // memchr: the head is searched a machine word at a time, not byte by byte.
            guard let found = memchr(base + index, Int32(ASCII.lf), end &- index) else { return nil }
            let lf = UnsafeRawPointer(found) - UnsafeRawPointer(base)
            guard lf > 0, bytes[lf &- 1] == ASCII.cr else { throw BareLF() }
            if lf >= 3, bytes[lf &- 2] == ASCII.lf, bytes[lf &- 3] == ASCII.cr { return lf &+ 1 }
            index = lf &+ 1
        }
        return nil
    }

    /// The index of the CR of the CRLF that ends the line starting at `start`; nil at a bare CR, a
    /// bare LF, or when there is no line end.
    static func lineEnd(_ head: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
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

    /// Reads the field line at `position` in one pass and moves `position` past its CRLF; returns
    /// nil at the empty line that ends the head (moving past it too). The value is OWS-trimmed.
    static func nextFieldLine(
        _ head: UnsafeBufferPointer<UInt8>, position: inout Int
    ) throws(FieldLineProblem) -> (name: Range<Int>, value: Range<Int>)? {
        let start = position
        guard start < head.count else { throw .invalid }
        if head[start] == ASCII.cr {
            guard start &+ 1 < head.count, head[start &+ 1] == ASCII.lf else { throw .bareCR }
            position = start &+ 2
            return nil
        }
        if ASCII.isOWS(head[start]) { throw .obsoleteLineFolding }
        var index = start
        while index < head.count, head[index] != ASCII.colon {
            guard ASCII.isTokenByte(head[index]) else { throw .invalid }
            index &+= 1
        }
        guard index < head.count, index > start else { throw .invalid }
        let colon = index
        index &+= 1
        // Eight bytes at a time while none is a control byte (CR and HTAB included) or DEL, which is
        // nearly all of a value: the bytes loop below takes the word that has one.
        if let base = head.baseAddress {
            let raw = UnsafeRawPointer(base)
            while index &+ 8 <= head.count,
                !hasControlOrDelete(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            {
                index &+= 8
            }
        }
        while index < head.count, head[index] != ASCII.cr {
            guard isFieldValueByte(head[index]) else { throw .invalid }
            index &+= 1
        }
        guard index &+ 1 < head.count else { throw .invalid }
        guard head[index &+ 1] == ASCII.lf else { throw .bareCR }
        position = index &+ 2
        return (start..<colon, ASCII.trimmedOWS(head, (colon &+ 1)..<index))
    }

    /// True when one of the eight bytes of `word` is below 0x20 or is 0x7F (bytes of obs-text,
    /// 0x80–0xFF, are neither). Exact as an answer for the word: a subtraction's borrow can flag a
    /// byte wrongly only after a byte that is truly below the threshold started it.
    @inline(__always)
    static func hasControlOrDelete(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let belowSpace = (word &- ones &* 0x20) & ~word & highs
        let delete = word ^ (ones &* 0x7F)
        let isDelete = (delete &- ones) & ~delete & highs
        return belowSpace | isDelete != 0
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

    /// Calls `body` with each OWS-trimmed element of a comma-separated list value, empty ones too.
    static func forEachListElement(
        _ value: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) throws -> Void
    ) rethrows {
        var start = 0
        while start <= value.count {
            var end = start
            while end < value.count, value[end] != ASCII.comma { end &+= 1 }
            try body(value.slice(ASCII.trimmedOWS(value, start..<end)))
            start = end &+ 1
        }
    }

    /// The `close` and `keep-alive` options of every `Connection` field of a head.
    struct ConnectionOptions {
        var close = false
        var keepAlive = false

        mutating func add(_ value: UnsafeBufferPointer<UInt8>) {
            HTTPHeadSyntax.forEachListElement(value) { token in
                if ASCII.equalsLowercase(token, Names.close) { close = true }
                if ASCII.equalsLowercase(token, Names.keepAlive) { keepAlive = true }
            }
        }

        /// Whether the connection stays open after this message (HTTP/1.1 unless `close`; HTTP/1.0
        /// only with `keep-alive`).
        func keepsAlive(minorVersion: Int) -> Bool {
            !close && (minorVersion == 1 || keepAlive)
        }
    }

    enum Names {
        static let contentLength = Array("content-length".utf8)
        static let transferEncoding = Array("transfer-encoding".utf8)
        static let connection = Array("connection".utf8)
        static let chunked = Array("chunked".utf8)
        static let close = Array("close".utf8)
        static let keepAlive = Array("keep-alive".utf8)
        static let host = Array("host".utf8)
        static let expect = Array("expect".utf8)
        static let upgrade = Array("upgrade".utf8)
        static let continue100 = Array("100-continue".utf8)
        static let httpSlash1Dot = Array("HTTP/1.".utf8)
        static let httpSlash = Array("HTTP/".utf8)
        static let post = Array("POST".utf8)
        static let get = Array("GET".utf8)
        static let head = Array("HEAD".utf8)
        static let connect = Array("CONNECT".utf8)
    }
}
