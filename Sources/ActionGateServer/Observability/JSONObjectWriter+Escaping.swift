extension JSONObjectWriter {
    /// Appends `input` as the inside of a JSON string: at most `limit` Unicode scalars, the last one
    /// replaced by `…` when the input is longer.
    ///
    /// Log injection is the threat: a client-chosen path or method must not end the line, forge a
    /// field, or smuggle terminal escapes. So `"` and `\` are escaped, every C0 control, DEL, C1
    /// control and U+2028/U+2029 becomes `\uXXXX` (`\n`, `\r`, `\t` use their short forms), and a
    /// byte that does not start a valid UTF-8 sequence (overlong, surrogate, beyond U+10FFFF,
    /// truncated) becomes U+FFFD. The output is valid UTF-8 without raw control characters.
    static func appendEscaped(_ input: UnsafeBufferPointer<UInt8>, limit: Int, into out: inout [UInt8]) {
        guard limit > 0 else {
            if !input.isEmpty { out.append(contentsOf: ellipsis) }
            return
        }
        var index = 0
        var scalars = 0
        var lastScalarStart = out.count
        while index < input.count {
            if scalars == limit {
                // One scalar too many: drop the last one written and mark the cut.
                out.removeSubrange(lastScalarStart...)
                out.append(contentsOf: ellipsis)
                return
            }
            let byte = input[index]
            if isPlainASCII(byte) {
                // The common case (paths, ids, codes): copy a run of plain ASCII at once.
                var end = index + 1
                let runLimit = min(input.count, index + (limit - scalars))
                while end < runLimit, isPlainASCII(input[end]) { end += 1 }
                scalars += end - index
                lastScalarStart = out.count + (end - index - 1)
                out.append(contentsOf: UnsafeBufferPointer(rebasing: input[index..<end]))
                index = end
                continue
            }
            lastScalarStart = out.count
            scalars += 1
            if byte < 0x80 {
                appendASCII(byte, into: &out)
                index += 1
                continue
            }
            let length = sequenceLength(input, at: index)
            guard length > 0 else {
                out.append(contentsOf: replacement)
                index += 1
                continue
            }
            let second = input[index + 1]
            if byte == 0xC2, second < 0xA0 {
                // U+0080–U+009F: C1 controls (e.g. CSI) that some terminals act on.
                appendUnicodeEscape(UInt16(second), into: &out)
            } else if byte == 0xE2, second == 0x80, input[index + 2] == 0xA8 || input[index + 2] == 0xA9 {
                // U+2028/U+2029 end a line for JavaScript-based log viewers.
                appendUnicodeEscape(0x2000 | UInt16(input[index + 2] & 0x3F), into: &out)
            } else {
                out.append(contentsOf: input[index..<(index + length)])
            }
            index += length
        }
    }

    /// `…` (U+2026).
    static let ellipsis: [UInt8] = [0xE2, 0x80, 0xA6]
    /// U+FFFD, for bytes that are not valid UTF-8.
    static let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]

    /// Printable ASCII that JSON takes as is (everything but controls, DEL, `"` and `\`).
    @inline(__always)
    private static func isPlainASCII(_ byte: UInt8) -> Bool {
        byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\")
    }

    private static func appendASCII(_ byte: UInt8, into out: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "\""):
            out.append(UInt8(ascii: "\\"))
            out.append(byte)
        case UInt8(ascii: "\\"):
            out.append(UInt8(ascii: "\\"))
            out.append(byte)
        case 0x0A:
            out.append(UInt8(ascii: "\\"))
            out.append(UInt8(ascii: "n"))
        case 0x0D:
            out.append(UInt8(ascii: "\\"))
            out.append(UInt8(ascii: "r"))
        case 0x09:
            out.append(UInt8(ascii: "\\"))
            out.append(UInt8(ascii: "t"))
        case 0..<0x20, 0x7F:
            appendUnicodeEscape(UInt16(byte), into: &out)
        default:
            out.append(byte)
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private static func appendUnicodeEscape(_ value: UInt16, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        out.append(UInt8(ascii: "u"))
        out.append(hexDigits[Int(value >> 12)])
        out.append(hexDigits[Int(value >> 8 & 15)])
        out.append(hexDigits[Int(value >> 4 & 15)])
        out.append(hexDigits[Int(value & 15)])
    }

    /// The length of the valid UTF-8 sequence starting at `index` (a non-ASCII lead byte), or 0.
    ///
    /// Follows RFC 3629's table: no overlong forms, no surrogates, nothing above U+10FFFF.
    private static func sequenceLength(_ input: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
        let lead = input[index]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0:
            length = 3
            secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED:
            length = 3
            secondRange = 0x80...0x9F
        case 0xF0:
            length = 4
            secondRange = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4:
            length = 4
            secondRange = 0x80...0x8F
        default: return 0
        }
        guard input.count - index >= length, secondRange.contains(input[index + 1]) else { return 0 }
        for offset in 2..<length where input[index + offset] & 0xC0 != 0x80 {
            return 0
        }
        return length
    }
}
