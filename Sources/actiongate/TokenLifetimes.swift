import ActionGateCrypto

/// How long tokens live, which decides when a demoted key may be retired.
///
/// A token sealed just before its key was demoted opens until its `exp` plus the clock skew, so a
/// decrypt-only key is safe to retire once the longest lifetime plus the skew has passed since the
/// demotion. The lifetimes come from the configuration when there is one, else DESIGN.md's defaults.
struct TokenLifetimes: Sendable, Equatable {
    /// `session.max_age` (default 7d).
    var sessionMaxAge: Duration
    /// `bound_args.max_ttl` (default 1h).
    var boundArgumentsMaxTTL: Duration
    /// `session.clock_skew` (default 60s): tokens are accepted this long past `exp`.
    var clockSkew: Duration
    /// Where the values came from, for messages: a config path, or "defaults".
    var source: String

    /// The defaults of an empty configuration.
    static let defaults = TokenLifetimes(
        sessionMaxAge: .seconds(7 * 86_400), boundArgumentsMaxTTL: .seconds(3600), clockSkew: .seconds(60),
        source: "defaults (no configuration found)")

    /// How long after a demotion tokens sealed with the demoted key may still open.
    var retirementGuard: Duration {
        max(sessionMaxAge, boundArgumentsMaxTTL) + clockSkew
    }

    /// `7d + 60s skew (from /etc/actiongate/config.yaml)`, for headers and messages.
    var summary: String {
        "\(Self.format(max(sessionMaxAge, boundArgumentsMaxTTL))) + \(Self.format(clockSkew)) clock skew, from \(source)"
    }

    /// A compact human duration: `7d`, `1h 30m`, `45s`.
    static func format(_ duration: Duration) -> String {
        var rest = max(0, duration.components.seconds)
        if rest == 0 { return "0s" }
        var parts: [String] = []
        for (unit, size) in [("d", Int64(86_400)), ("h", 3600), ("m", 60), ("s", 1)] where rest >= size {
            parts.append("\(rest / size)\(unit)")
            rest %= size
            if parts.count == 2 { break }
        }
        return parts.joined(separator: " ")
    }
}

extension TokenLifetimes {
    /// Parses `30s`, `10m`, `8h`, `7d` (one or more parts, largest unit first, like `1h30m`).
    // Local until the config branch's ConfigDuration is merged.
    static func duration(parsing text: String) -> Duration? {
        let units: [(Character, Int64)] = [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)]
        var total: Int64 = 0
        var digits: Int64?
        var nextUnit = 0
        for character in text {
            if let digit = character.wholeNumberValue, character.isASCII {
                let (value, overflow) = (digits ?? 0).multipliedReportingOverflow(by: 10)
                guard !overflow, value <= 10_000_000_000 else { return nil }
                digits = value + Int64(digit)
            } else if let position = units.firstIndex(where: { $0.0 == character }), position >= nextUnit,
                let value = digits
            {
                total += value * units[position].1
                guard total <= 3650 * 86_400 else { return nil }
                nextUnit = position + 1
                digits = nil
            } else {
                return nil
            }
        }
        guard digits == nil, nextUnit > 0 else { return nil }
        return .seconds(total)
    }
}
