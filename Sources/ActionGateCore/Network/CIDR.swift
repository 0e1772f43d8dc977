/// An IPv4 or IPv6 network (`10.0.0.0/8`, `fd00::/8`), as used by `trusted_proxies` and `source_ip`.
///
/// A bare address means a single host (`/32` or `/128`). Host bits below the prefix must be zero, so
/// `10.0.0.1/8` is refused rather than silently widened. An IPv4-mapped IPv6 network
/// (`::ffff:10.0.0.0/104`) becomes the IPv4 network it names, like `IPAddress` normalises addresses.
/// An IPv4 network never contains an IPv6 address and vice versa: write both `0.0.0.0/0` and `::/0`
/// to mean "everyone".
public struct CIDR: Hashable, Sendable, CustomStringConvertible {
    /// Why a CIDR string was refused; `message` says what to write instead.
    public enum ParseError: Error, Equatable, Sendable {
        /// The part before `/` is not an IPv4 or IPv6 address.
        case notAnAddress
        /// The prefix length is not a decimal number within the family's range.
        case badPrefixLength(maximum: Int)
        /// Bits below the prefix are set; `suggestion` is the network the operator probably meant.
        case hostBitsSet(suggestion: String)

        /// What is wrong and what to write instead.
        public var message: String {
            switch self {
            case .notAnAddress:
                "expected an IPv4 or IPv6 network like 10.0.0.0/8 or fd00::/8"
            case .badPrefixLength(let maximum):
                "the prefix length after / must be a number from 0 to \(maximum)"
            case .hostBitsSet(let suggestion):
                "bits below the prefix length are set; did you mean \(suggestion)?"
            }
        }
    }

    /// The network address (host bits zero).
    public let network: IPAddress
    /// The prefix length: 0–32 for IPv4, 0–128 for IPv6.
    public let prefixLength: Int
    private let maskHigh: UInt64
    private let maskLow: UInt64

    /// A network from an address and a prefix length; host bits of `address` are cleared.
    ///
    /// Returns `nil` when the prefix length is out of range for the address family.
    public init?(address: IPAddress, prefixLength: Int) {
        let maximum = address.family == .v4 ? 32 : 128
        guard prefixLength >= 0, prefixLength <= maximum else { return nil }
        let (high, low) = CIDR.masks(family: address.family, prefixLength: prefixLength)
        self.prefixLength = prefixLength
        maskHigh = high
        maskLow = low
        network =
            address.family == .v4
            ? IPAddress(v4: UInt32(truncatingIfNeeded: address.low & low))
            : IPAddress(v6: address.high & high, address.low & low)
    }

    /// Parses `address/prefix` or a bare address.
    public init(parsing text: String) throws(ParseError) {
        let slash = text.firstIndex(of: "/")
        let addressText = slash.map { text[..<$0] } ?? text[...]
        guard let address = IPAddress(addressText) else { throw .notAnAddress }
        // A mapped IPv6 literal names an IPv4 network: its prefix counts the 96 mapping bits too.
        let mapped = address.family == .v4 && addressText.contains(":")
        let maximum = address.family == .v4 ? 32 : 128
        var prefix = maximum
        if let slash {
            let digits = text[text.index(after: slash)...]
            guard !digits.isEmpty, digits.count <= 3, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                let value = Int(digits)
            else { throw .badPrefixLength(maximum: mapped ? 128 : maximum) }
            if mapped {
                guard value >= 96, value <= 128 else { throw .badPrefixLength(maximum: 128) }
                prefix = value - 96
            } else {
                guard value <= maximum else { throw .badPrefixLength(maximum: maximum) }
                prefix = value
            }
        }
        guard let cidr = CIDR(address: address, prefixLength: prefix) else {
            throw .badPrefixLength(maximum: maximum)
        }
        guard cidr.network == address else {
            throw .hostBitsSet(suggestion: cidr.description)
        }
        self = cidr
    }

    /// True when `address` is inside this network (same family only).
    @inline(__always)
    public func contains(_ address: IPAddress) -> Bool {
        address.family == network.family
            && address.high & maskHigh == network.high
            && address.low & maskLow == network.low
    }

    /// `network/prefix`, e.g. `10.0.0.0/8`.
    public var description: String { "\(network)/\(prefixLength)" }

    private static func masks(family: IPAddress.Family, prefixLength: Int) -> (UInt64, UInt64) {
        switch family {
        case .v4:
            let mask: UInt64 = prefixLength == 0 ? 0 : (0xFFFF_FFFF << UInt64(32 - prefixLength)) & 0xFFFF_FFFF
            return (0, mask)
        case .v6:
            let high: UInt64 = prefixLength >= 64 ? ~0 : (prefixLength == 0 ? 0 : ~0 << UInt64(64 - prefixLength))
            let lowBits = prefixLength - 64
            let low: UInt64 = lowBits <= 0 ? 0 : (lowBits >= 64 ? ~0 : ~0 << UInt64(64 - lowBits))
            return (high, low)
        }
    }
}
