/// Writes the normalised form of a raw path into a buffer at least as long as the raw path
/// (normalisation never grows a path: decoding and collapsing shrink it, uppercasing keeps length).
///
/// One pass: validate each byte or escape, decode unreserved escapes, collapse `/` runs, and check
/// each segment as it closes. See `RequestPath` for the rules and why.
struct PathWriter {
    let out: UnsafeMutableBufferPointer<UInt8>
    private(set) var count = 0
    private var segmentStart = 0

    init(out: UnsafeMutableBufferPointer<UInt8>) {
        self.out = out
    }

    /// Writes `path` (which starts with `/`); returns why it is refused, or nil.
    mutating func write(_ path: UnsafeBufferPointer<UInt8>) -> RequestPathError? {
        var index = 0
        while index < path.count {
            let byte = path[index]
            switch byte {
            case ASCII.slash:
                if let error = closeSegment() { return error }
                if count == 0 || out[count &- 1] != ASCII.slash { append(byte) }
                segmentStart = count
                index &+= 1
            case ASCII.percent:
                if let error = writeEscape(path, at: index) { return error }
                index &+= 3
            case ASCII.backslash:
                return .backslash
            case ASCII.hash:
                return .fragment
            case 0x80...0xFF:
                return .nonASCII
            case 0x00...0x20, 0x7F:
                return .invalidCharacter
            default:
                append(byte)
                index &+= 1
            }
        }
        if let error = closeSegment() { return error }
        return findDoubleEncoding()
    }

    private mutating func writeEscape(_ path: UnsafeBufferPointer<UInt8>, at index: Int) -> RequestPathError? {
        guard path.count &- index > 2,
            let high = ASCII.hexValue(path[index &+ 1]),
            let low = ASCII.hexValue(path[index &+ 2])
        else { return .invalidPercentEncoding }
        let value = high &<< 4 | low
        switch value {
        case 0x00: return .encodedNul
        case ASCII.slash: return .encodedSlash
        case ASCII.backslash: return .backslash
        case 0x01..<0x20, 0x7F: return .encodedControl
        case ASCII.percent:
            if path.count &- index > 4, ASCII.hexValue(path[index &+ 3]) != nil,
                ASCII.hexValue(path[index &+ 4]) != nil
            {
                return .doubleEncoding
            }
        default:
            break
        }
        if ASCII.isUnreserved(value) {
            append(value)
        } else {
            append(ASCII.percent)
            append(ASCII.upperHex(high))
            append(ASCII.upperHex(low))
        }
        return nil
    }

    /// Refuses a closing segment that is `.` or `..`, also before `;` parameters (`..;` is `..`
    /// to Tomcat-style servers).
    private func closeSegment() -> RequestPathError? {
        var end = segmentStart
        while end < count && out[end] != ASCII.semicolon { end &+= 1 }
        let length = end &- segmentStart
        if length == 1 && out[segmentStart] == ASCII.dot { return .dotSegment }
        if length == 2 && out[segmentStart] == ASCII.dot && out[segmentStart &+ 1] == ASCII.dot {
            return .dotSegment
        }
        return nil
    }

    /// `%25` then two hex digits in the output, e.g. from `%25%32%65`, where decoding `%32%65`
    /// made `%252e`: a second decode would yield `%2e`.
    private func findDoubleEncoding() -> RequestPathError? {
        var index = 0
        while index &+ 4 < count {
            if out[index] == ASCII.percent && out[index &+ 1] == 0x32 && out[index &+ 2] == 0x35
                && ASCII.hexValue(out[index &+ 3]) != nil && ASCII.hexValue(out[index &+ 4]) != nil
            {
                return .doubleEncoding
            }
            index &+= 1
        }
        return nil
    }

    @inline(__always)
    private mutating func append(_ byte: UInt8) {
        // Never beyond the input length, as argued above; the guard keeps a logic slip from
        // writing out of bounds.
        guard count < out.count else { return }
        out[count] = byte
        count &+= 1
    }
}
