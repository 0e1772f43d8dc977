/// Strings and numbers: the byte-level rules (UTF-8 validation, escapes, the number grammar).
extension JSONParser {
    /// Parses a string starting at the opening quote; leaves `offset` after the closing quote.
    mutating func parseString() throws(JSONError) -> String {
        offset += 1  // opening quote
        let start = offset
        // Fast path: no escapes, so the string is a validated slice of the input. Plain ASCII runs are
        // skipped a word at a time; other bytes get the full UTF-8 check.
        while offset < bytes.count {
            offset = ByteScanning.firstSpecial(in: bytes, from: offset, asciiOnly: true)
            guard offset < bytes.count else { break }
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
                offset += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            try skipCharacter(byte)
        }
        guard offset < bytes.count else { throw JSONError(.unexpectedEnd, at: offset) }
        var decoded = Array(UnsafeRawBufferPointer(rebasing: bytes[start..<offset]))
        while offset < bytes.count {
            let byte = bytes[offset]
            switch byte {
            case UInt8(ascii: "\""):
                offset += 1
                return String(decoding: decoded, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try appendEscape(to: &decoded)
            default:
                let characterStart = offset
                try skipCharacter(byte)
                decoded.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[characterStart..<offset]))
            }
        }
        throw JSONError(.unexpectedEnd, at: offset)
    }

    /// Advances over one unescaped character whose first byte is `lead`, validating its UTF-8.
    mutating func skipCharacter(_ lead: UInt8) throws(JSONError) {
        if lead < 0x80 {
            guard lead >= 0x20 else { throw JSONError(.controlCharacter, at: offset) }
            offset += 1
            return
        }
        let continuation: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: continuation = 1
        case 0xE0:
            continuation = 2
            secondRange = 0xA0...0xBF  // no overlongs
        case 0xE1...0xEC, 0xEE...0xEF: continuation = 2
        case 0xED:
            continuation = 2
            secondRange = 0x80...0x9F  // no UTF-16 surrogates
        case 0xF0:
            continuation = 3
            secondRange = 0x90...0xBF  // no overlongs
        case 0xF1...0xF3: continuation = 3
        case 0xF4:
            continuation = 3
            secondRange = 0x80...0x8F  // nothing above U+10FFFF
        default: throw JSONError(.invalidUTF8, at: offset)
        }
        guard offset + continuation < bytes.count else { throw JSONError(.invalidUTF8, at: offset) }
        guard secondRange.contains(bytes[offset + 1]) else { throw JSONError(.invalidUTF8, at: offset) }
        var index = 2
        while index <= continuation {
            guard bytes[offset + index] & 0xC0 == 0x80 else { throw JSONError(.invalidUTF8, at: offset) }
            index += 1
        }
        offset += continuation + 1
    }

    /// Decodes the escape at `offset` (a backslash) and appends its UTF-8.
    private mutating func appendEscape(to output: inout [UInt8]) throws(JSONError) {
        let scalar = try decodeEscape()
        if scalar.isASCII {
            output.append(UInt8(truncatingIfNeeded: scalar.value))
        } else {
            output.append(contentsOf: scalar.utf8)
        }
    }

    /// Decodes the escape at `offset` (a backslash), leaving `offset` after it. Shared by parsing and
    /// skipping, so both refuse exactly the same escapes at the same offsets.
    mutating func decodeEscape() throws(JSONError) -> Unicode.Scalar {
        let escapeOffset = offset
        guard offset + 1 < bytes.count else { throw JSONError(.unexpectedEnd, at: bytes.count) }
        let kind = bytes[offset + 1]
        offset += 2
        switch kind {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): return Unicode.Scalar(kind)
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            var scalar = try parseHex4()
            if (0xDC00...0xDFFF).contains(scalar) { throw JSONError(.loneSurrogate, at: escapeOffset) }
            if (0xD800...0xDBFF).contains(scalar) {
                guard offset + 1 < bytes.count, bytes[offset] == UInt8(ascii: "\\"),
                    bytes[offset + 1] == UInt8(ascii: "u")
                else { throw JSONError(.loneSurrogate, at: escapeOffset) }
                offset += 2
                let low = try parseHex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw JSONError(.loneSurrogate, at: escapeOffset) }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw JSONError(.loneSurrogate, at: escapeOffset) }
            return unicode
        default:
            throw JSONError(.invalidEscape, at: escapeOffset)
        }
    }

    private mutating func parseHex4() throws(JSONError) -> UInt32 {
        guard offset + 4 <= bytes.count else { throw JSONError(.unexpectedEnd, at: bytes.count) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte &- UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte &- UInt8(ascii: "a") &+ 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte &- UInt8(ascii: "A") &+ 10
            default: throw JSONError(.invalidEscape, at: offset)
            }
            value = value << 4 | UInt32(digit)
            offset += 1
        }
        return value
    }

    /// Parses `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?` into a finite Double.
    mutating func parseNumber() throws(JSONError) -> Double {
        let start = offset
        let negative = bytes[offset] == UInt8(ascii: "-")
        if negative { offset += 1 }
        guard offset < bytes.count, isDigit(bytes[offset]) else { throw JSONError(.invalidNumber, at: start) }
        var integer: Int64 = 0
        var digits = 0
        if bytes[offset] == UInt8(ascii: "0") {
            offset += 1
            if offset < bytes.count, isDigit(bytes[offset]) { throw JSONError(.invalidNumber, at: start) }
        } else {
            // A local cursor keeps the loop in registers (`offset` is a stored property).
            let first = offset
            var position = offset
            // Eight digits at a time while they fit in the 18 accumulated ones (timestamps have 10).
            while position &- first <= 10, let eight = eightDigits(at: position) {
                integer = integer &* 100_000_000 &+ Int64(eight)
                position &+= 8
            }
            while position < bytes.count {
                let digit = bytes[position] &- UInt8(ascii: "0")
                guard digit < 10 else { break }
                // Only the first 18 digits are accumulated, so wrapping arithmetic cannot wrap.
                if position &- first < 18 { integer = integer &* 10 &+ Int64(digit) }
                position &+= 1
            }
            digits = position &- first
            offset = position
        }
        var simple = true
        if offset < bytes.count, bytes[offset] == UInt8(ascii: ".") {
            simple = false
            offset += 1
            try requireDigits(numberStart: start)
        }
        if offset < bytes.count, bytes[offset] | 0x20 == UInt8(ascii: "e") {
            simple = false
            offset += 1
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "+") || bytes[offset] == UInt8(ascii: "-") {
                offset += 1
            }
            try requireDigits(numberStart: start)
        }
        // Integers of up to 15 digits are exact in a Double; everything else goes through the
        // correctly-rounded standard-library conversion.
        if simple && digits <= 15 { return Double(negative ? -integer : integer) }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { throw JSONError(.numberOutOfRange, at: start) }
        return value
    }

    /// The value of the 8 bytes at `position` when all are ASCII digits (first digit most significant),
    /// else nil; computed in one word (D. Lemire's SWAR conversion).
    @inline(__always)
    private func eightDigits(at position: Int) -> UInt64? {
        guard position <= bytes.count &- 8, let base = bytes.baseAddress else { return nil }
        let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: position, as: UInt64.self))
        // Every byte 0x30…0x39: its high nibble is 3, and adding 6 keeps it 3.
        let highNibbles: UInt64 = 0xF0F0_F0F0_F0F0_F0F0
        let threes: UInt64 = 0x3030_3030_3030_3030
        guard word & highNibbles == threes, (word &+ 0x0606_0606_0606_0606) & highNibbles == threes else {
            return nil
        }
        var value = word &- threes  // digit k in byte k
        value = (value &* 10 &+ value >> 8) & 0x00FF_00FF_00FF_00FF  // pairs, in 16-bit lanes
        value = (value &* 100 &+ value >> 16) & 0x0000_FFFF_0000_FFFF  // quads, in 32-bit lanes
        return (value &* 10000 &+ value >> 32) & 0xFFFF_FFFF
    }

    private mutating func requireDigits(numberStart: Int) throws(JSONError) {
        guard offset < bytes.count, isDigit(bytes[offset]) else { throw JSONError(.invalidNumber, at: numberStart) }
        while offset < bytes.count, isDigit(bytes[offset]) { offset += 1 }
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }
}
