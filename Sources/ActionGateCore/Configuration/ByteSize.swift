/// A size in bytes, written in the configuration as `512`, `512B`, `256KiB`, `1MiB` or `2GiB`.
///
/// Grammar: one or more decimal digits, then optionally one unit: `B` (×1), `KiB` (×1024), `MiB`
/// (×1024²), `GiB` (×1024³); no space, no fraction, no sign. Decimal units (`KB`, `MB`, `kb`, `mb`…)
/// are refused on purpose: tools disagree on whether `1mb` means 10⁶ or 2²⁰ bytes, and a body limit
/// must mean one thing. Values above 1 TiB are refused.
public struct ByteSize: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Why a size string was refused.
    public enum ParseError: Error, Equatable, Sendable {
        /// Not digits followed by an optional unit.
        case malformed
        /// A decimal or unknown unit; `unit` is the (short, operator-written) unit text.
        case unsupportedUnit(String)
        /// More than 1 TiB.
        case tooLarge

        /// What is wrong and what to write instead.
        public var message: String {
            switch self {
            case .malformed:
                "expected a size like 512, 256KiB or 1MiB"
            case .unsupportedUnit(let unit):
                "unit '\(unit)' is not supported; use B, KiB (1024), MiB (1024²) or GiB (1024³)"
            case .tooLarge:
                "sizes above 1TiB are not supported"
            }
        }
    }

    /// The largest accepted size, 1 TiB.
    public static let maximum = 1 << 40

    /// The size in bytes.
    public let bytes: Int

    /// A size of `bytes` bytes.
    public init(bytes: Int) {
        self.bytes = bytes
    }

    /// Parses the grammar above.
    public init(parsing text: String) throws(ParseError) {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty else { throw .malformed }
        let unit = text[digits.endIndex...]
        let multiplier: Int
        switch unit {
        case "", "B": multiplier = 1
        case "KiB": multiplier = 1 << 10
        case "MiB": multiplier = 1 << 20
        case "GiB": multiplier = 1 << 30
        default:
            guard unit.count <= 8, unit.allSatisfy({ $0.isASCII && $0.isLetter }) else { throw .malformed }
            throw .unsupportedUnit(String(unit))
        }
        guard digits.count <= 13, let value = Int(digits) else { throw .tooLarge }
        let (product, overflow) = value.multipliedReportingOverflow(by: multiplier)
        guard !overflow, product <= ByteSize.maximum else { throw .tooLarge }
        bytes = product
    }

    /// The shortest exact form: `1MiB`, `256KiB` or a plain byte count.
    public var description: String {
        for (shift, unit) in [(30, "GiB"), (20, "MiB"), (10, "KiB")] where bytes > 0 && bytes % (1 << shift) == 0 {
            return "\(bytes >> shift)\(unit)"
        }
        return "\(bytes)"
    }

    /// Orders sizes by their byte count.
    public static func < (lhs: ByteSize, rhs: ByteSize) -> Bool { lhs.bytes < rhs.bytes }
}
