/// Byte-level IPv4/IPv6 parsing for `IPAddress`: no allocation, strict grammar, bounded work.
enum IPAddressParser {
    /// Parses a whole buffer as an IPv4 or IPv6 address.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> IPAddress? {
        guard !bytes.isEmpty, bytes.count <= 45 else { return nil }
        if bytes.contains(UInt8(ascii: ":")) {
            return parseV6(bytes)
        }
        return parseV4(bytes, from: 0, to: bytes.count).map { IPAddress(v4: $0) }
    }

    /// Strict dotted-quad in `bytes[from..<to]`: four decimal parts 0–255, no leading zeros.
    static func parseV4(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> UInt32? {
        var value: UInt32 = 0
        var parts = 0
        var index = start
        while parts < 4 {
            var part: UInt32 = 0
            var digits = 0
            while index < end, let digit = decimal(bytes[index]) {
                if digits == 1 && part == 0 { return nil }  // leading zero
                part = part &* 10 &+ digit
                digits += 1
                index += 1
                if digits > 3 { return nil }
            }
            guard digits > 0, part <= 255 else { return nil }
            value = value << 8 | part
            parts += 1
            if parts < 4 {
                guard index < end, bytes[index] == UInt8(ascii: ".") else { return nil }
                index += 1
            }
        }
        return index == end ? value : nil
    }

    /// RFC 4291 text form: up to eight hex groups, at most one `::`, optional trailing dotted IPv4.
    static func parseV6(_ bytes: UnsafeBufferPointer<UInt8>) -> IPAddress? {
        let end = bytes.count
        // `[]` in a Host or Origin header reaches here empty (found by fuzzing).
        guard end >= 2, end <= 45 else { return nil }
        var groups = SIMD8<UInt16>()
        var count = 0
        var gapAt = -1
        var index = 0
        let colon = UInt8(ascii: ":")
        if bytes[0] == colon {
            guard end >= 2, bytes[1] == colon else { return nil }
            gapAt = 0
            index = 2
        }
        while index < end {
            let groupStart = index
            var value: UInt32 = 0
            var digits = 0
            while index < end, let digit = hex(bytes[index]) {
                value = (value << 4 | digit) & 0xFFFFF
                digits += 1
                index += 1
                if digits > 4 { break }
            }
            if index < end && bytes[index] == UInt8(ascii: ".") {
                // An embedded IPv4 address ends the text and fills the last two groups.
                guard count <= 6, let v4 = parseV4(bytes, from: groupStart, to: end) else { return nil }
                groups[count] = UInt16(truncatingIfNeeded: v4 >> 16)
                groups[count + 1] = UInt16(truncatingIfNeeded: v4)
                count += 2
                index = end
                break
            }
            guard digits >= 1, digits <= 4, count < 8 else { return nil }
            groups[count] = UInt16(truncatingIfNeeded: value)
            count += 1
            if index == end { break }
            guard bytes[index] == colon else { return nil }
            index += 1
            if index < end && bytes[index] == colon {
                guard gapAt < 0 else { return nil }
                gapAt = count
                index += 1
            } else if index == end {
                return nil  // a single trailing colon
            }
        }
        if gapAt >= 0 {
            // `::` stands for at least one zero group.
            guard count <= 7 else { return nil }
            let tail = count - gapAt
            var result = SIMD8<UInt16>()
            for i in 0..<gapAt { result[i] = groups[i] }
            for i in 0..<tail { result[8 - tail + i] = groups[gapAt + i] }
            groups = result
        } else if count != 8 {
            return nil
        }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for i in 0..<4 {
            high = high << 16 | UInt64(groups[i])
            low = low << 16 | UInt64(groups[i + 4])
        }
        return IPAddress(v6: high, low)
    }

    @inline(__always)
    static func decimal(_ byte: UInt8) -> UInt32? {
        byte >= 0x30 && byte <= 0x39 ? UInt32(byte &- 0x30) : nil
    }

    @inline(__always)
    static func hex(_ byte: UInt8) -> UInt32? {
        switch byte {
        case 0x30...0x39: UInt32(byte &- 0x30)
        case 0x41...0x46: UInt32(byte &- 0x41 &+ 10)
        case 0x61...0x66: UInt32(byte &- 0x61 &+ 10)
        default: nil
        }
    }
}
