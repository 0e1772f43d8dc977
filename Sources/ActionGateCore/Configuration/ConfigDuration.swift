/// A duration written in the configuration as `500ms`, `30s`, `10m`, `8h`, `7d` or `1h30m`.
///
/// Grammar: one or more `<digits><unit>` parts with units `d`, `h`, `m`, `s`, `ms`, each unit at most
/// once and from the largest to the smallest (`1h30m`, not `30m1h`); no spaces, no fractions, no sign.
/// A bare number is refused (seconds or milliseconds?). Durations above 3650 days are refused.
public struct ConfigDuration: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Why a duration string was refused.
    public enum ParseError: Error, Equatable, Sendable {
        /// Not `<digits><unit>` parts.
        case malformed
        /// A number without a unit.
        case missingUnit
        /// More than 3650 days.
        case tooLarge

        /// What is wrong and what to write instead.
        public var message: String {
            switch self {
            case .malformed:
                "expected a duration like 500ms, 30s, 10m, 8h, 7d or 1h30m"
            case .missingUnit:
                "a duration needs a unit: ms, s, m, h or d (e.g. 30s)"
            case .tooLarge:
                "durations above 3650d are not supported"
            }
        }
    }

    /// The largest accepted duration in milliseconds (3650 days).
    public static let maximumMilliseconds: Int64 = 3650 * 86_400_000

    /// The duration in milliseconds.
    public let milliseconds: Int64

    /// A duration of `milliseconds` milliseconds.
    public init(milliseconds: Int64) {
        self.milliseconds = milliseconds
    }

    /// A duration of whole seconds.
    public static func seconds(_ seconds: Int64) -> ConfigDuration {
        ConfigDuration(milliseconds: seconds &* 1000)
    }

    /// The whole seconds in this duration (rounded down).
    public var seconds: Int64 { milliseconds / 1000 }

    /// The same length as a standard-library `Duration`.
    public var duration: Duration { .milliseconds(milliseconds) }

    /// Parses the grammar above.
    public init(parsing text: String) throws(ParseError) {
        let units: [(String, Int64)] = [("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1)]
        var rest = Substring(text)
        var total: Int64 = 0
        var nextUnit = 0
        guard !rest.isEmpty, rest.utf8.count <= 40 else { throw .malformed }
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty else { throw .malformed }
            rest = rest[digits.endIndex...]
            let letters = rest.prefix { $0.isASCII && $0.isLetter }
            rest = rest[letters.endIndex...]
            if letters.isEmpty { throw rest.isEmpty && total == 0 ? .missingUnit : .malformed }
            guard let position = units.indices.first(where: { units[$0].0 == letters }), position >= nextUnit else {
                throw .malformed
            }
            nextUnit = position + 1
            guard digits.count <= 12, let value = Int64(digits) else { throw .tooLarge }
            let (part, overflow) = value.multipliedReportingOverflow(by: units[position].1)
            guard !overflow else { throw .tooLarge }
            total = total &+ part
            guard total <= ConfigDuration.maximumMilliseconds else { throw .tooLarge }
        }
        milliseconds = total
    }

    /// The shortest form in the grammar, e.g. `8h`, `90s` or `1500ms`.
    public var description: String {
        if milliseconds == 0 { return "0s" }
        var rest = milliseconds
        var text = ""
        for (unit, size) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1)] {
            if rest >= size {
                text += "\(rest / size)\(unit)"
                rest %= size
            }
        }
        return text
    }

    /// Orders durations by length.
    public static func < (lhs: ConfigDuration, rhs: ConfigDuration) -> Bool { lhs.milliseconds < rhs.milliseconds }
}
