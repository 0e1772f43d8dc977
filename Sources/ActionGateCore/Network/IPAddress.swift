/// An IPv4 or IPv6 address: 128 bits and a family, compared and hashed by value.
///
/// IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`) are normalised to IPv4 when built, so a client that
/// reaches a dual-stack listener matches the same `source_ip` and `trusted_proxies` CIDRs as one that
/// arrives over IPv4. Parsing never allocates; zone ids (`fe80::1%eth0`) and leading zeros in IPv4
/// parts (`010.0.0.1`, which some stacks read as octal) are refused.
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    /// The address family.
    public enum Family: UInt8, Hashable, Sendable {
        case v4
        case v6
    }

    /// IPv4 or IPv6.
    public let family: Family
    /// The high 64 bits of an IPv6 address; zero for IPv4.
    public let high: UInt64
    /// The low 64 bits of an IPv6 address, or the IPv4 address in the low 32 bits.
    public let low: UInt64

    /// An IPv4 address from its 32-bit value (`0x7f000001` is `127.0.0.1`).
    public init(v4 value: UInt32) {
        self.init(family: .v4, high: 0, low: UInt64(value))
    }

    private init(family: Family, high: UInt64, low: UInt64) {
        self.family = family
        self.high = high
        self.low = low
    }

    /// An IPv6 address from its two 64-bit halves; an IPv4-mapped address becomes IPv4.
    public init(v6 high: UInt64, _ low: UInt64) {
        if high == 0 && low >> 32 == 0xFFFF {
            self.init(v4: UInt32(truncatingIfNeeded: low))
        } else {
            self.init(family: .v6, high: high, low: low)
        }
    }

    /// Parses `192.0.2.1`, `2001:db8::1` or `::ffff:192.0.2.1` (no brackets, no zone, no port).
    ///
    /// Returns `nil` for anything else; never traps on any input.
    public init?(_ text: String) {
        var copy = text
        guard let parsed = copy.withUTF8({ IPAddressParser.parse($0) }) else { return nil }
        self = parsed
    }

    /// Parses the address in `text` (see `init?(_: String)`).
    public init?(_ text: Substring) {
        var copy = text
        guard let parsed = copy.withUTF8({ IPAddressParser.parse($0) }) else { return nil }
        self = parsed
    }

    /// The IPv4 value, when this is an IPv4 address.
    public var v4Value: UInt32? {
        family == .v4 ? UInt32(truncatingIfNeeded: low) : nil
    }

    /// Dotted-quad for IPv4, RFC 5952 text for IPv6 (lowercase, longest zero run compressed).
    public var description: String {
        switch family {
        case .v4:
            return IPAddress.ipv4Text(UInt32(truncatingIfNeeded: low))
        case .v6:
            return IPAddress.ipv6Text(high: high, low: low)
        }
    }

    /// Dotted-quad text, written into at most 15 bytes on the stack (a small string: no allocation;
    /// every audit record and `X-Forwarded-For` asks for it).
    static func ipv4Text(_ value: UInt32) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 15) { buffer in
            var count = 0
            for shift in stride(from: 24, through: 0, by: -8) {
                let octet = UInt8(truncatingIfNeeded: value >> UInt32(shift))
                if shift != 24 {
                    buffer[count] = ASCII.dot
                    count &+= 1
                }
                if octet >= 100 {
                    buffer[count] = 0x30 &+ octet / 100
                    count &+= 1
                }
                if octet >= 10 {
                    buffer[count] = 0x30 &+ (octet / 10) % 10
                    count &+= 1
                }
                buffer[count] = 0x30 &+ octet % 10
                count &+= 1
            }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[..<count]), as: UTF8.self)
        }
    }

    /// RFC 5952 text for 128 bits, without IPv4 normalisation.
    static func ipv6Text(high: UInt64, low: UInt64) -> String {
        var groups = [UInt16](repeating: 0, count: 8)
        for index in 0..<4 {
            groups[index] = UInt16(truncatingIfNeeded: high >> (48 - 16 * UInt64(index)))
            groups[index + 4] = UInt16(truncatingIfNeeded: low >> (48 - 16 * UInt64(index)))
        }
        // The longest run of at least two zero groups is written `::` (the first one on a tie).
        var bestStart = -1
        var bestLength = 1
        var index = 0
        while index < 8 {
            if groups[index] == 0 {
                var end = index
                while end < 8 && groups[end] == 0 { end += 1 }
                if end - index > bestLength {
                    bestStart = index
                    bestLength = end - index
                }
                index = end
            } else {
                index += 1
            }
        }
        var text = ""
        index = 0
        while index < 8 {
            if index == bestStart {
                text += "::"
                index += bestLength
                continue
            }
            if !text.isEmpty && !text.hasSuffix(":") { text += ":" }
            text += String(groups[index], radix: 16)
            index += 1
        }
        return text
    }
}
