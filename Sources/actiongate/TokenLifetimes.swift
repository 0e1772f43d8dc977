import ActionGateCore

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

    /// The defaults of a configuration that sets none of them.
    static let defaults = TokenLifetimes(
        sessionMaxAge: SessionConfiguration().maxAge.duration,
        boundArgumentsMaxTTL: BoundArgumentsConfiguration().maxTTL.duration,
        clockSkew: SessionConfiguration().clockSkew.duration,
        source: "defaults (no configuration found)")

    /// How long after a demotion tokens sealed with the demoted key may still open.
    var retirementGuard: Duration {
        max(sessionMaxAge, boundArgumentsMaxTTL) + clockSkew
    }

    /// The lifetimes a loaded configuration sets.
    init(_ configuration: Configuration) {
        sessionMaxAge = configuration.session.maxAge.duration
        boundArgumentsMaxTTL = configuration.boundArguments.maxTTL.duration
        clockSkew = configuration.session.clockSkew.duration
        source = configuration.sourcePath
    }

    init(sessionMaxAge: Duration, boundArgumentsMaxTTL: Duration, clockSkew: Duration, source: String) {
        self.sessionMaxAge = sessionMaxAge
        self.boundArgumentsMaxTTL = boundArgumentsMaxTTL
        self.clockSkew = clockSkew
        self.source = source
    }

    /// `7d + 1m clock skew, from /etc/actiongate/config.yaml`, for headers and messages.
    var summary: String {
        let longest = Self.format(max(sessionMaxAge, boundArgumentsMaxTTL))
        return "\(longest) + \(Self.format(clockSkew)) clock skew, from \(source)"
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
