/// One family of header names the gateway does not forward as received, with the reason. The
/// tables (`RequestHeaderRules.stripRules`, `ResponseHeaderRules.stripRules`) are data so the
/// security suite can iterate them, e.g. sending every family in odd cases and `_` spellings.
public struct HeaderStripRule: Sendable, Equatable {
    /// Which names the rule covers. Names compare ASCII case-insensitively.
    public enum Pattern: Sendable, Equatable {
        /// Exactly this name (lowercase).
        case exact(String)
        /// Every name starting with this (lowercase), e.g. `x-actiongate`.
        case prefix(String)
        /// Every name containing `_`.
        case containsUnderscore
        /// Every name listed in the message's `Connection` header (RFC 9110 §7.6.1).
        case listedInConnection
    }

    /// Whose headers the rule applies to.
    public enum Scope: String, Sendable, Equatable {
        /// Every peer.
        case allPeers = "all_peers"
        /// Only peers outside `trusted_proxies`; a trusted proxy's values are kept (the Gate reads them).
        case untrustedPeers = "untrusted_peers"
    }

    /// The family, e.g. `hop-by-hop`, for logs and test names.
    public var family: String
    /// Which names it covers.
    public var pattern: Pattern
    /// Whose headers it applies to.
    public var scope: Scope
    /// Why the family is stripped.
    public var reason: String

    /// A rule.
    public init(family: String, pattern: Pattern, scope: Scope = .allPeers, reason: String) {
        self.family = family
        self.pattern = pattern
        self.scope = scope
        self.reason = reason
    }

    /// A header name the rule covers, for tests (`nil` for `listedInConnection`, which depends on
    /// the message).
    public var example: String? {
        switch pattern {
        case .exact(let name): name
        case .prefix(let prefix): prefix.hasSuffix("-") ? prefix + "example" : prefix + "-example"
        case .containsUnderscore: "x_example"
        case .listedInConnection: nil
        }
    }

    /// True when the rule covers `name` by its pattern alone (`listedInConnection` never does:
    /// it needs the message, see `RequestHeaderRules.sanitize`).
    public func matches(_ name: String) -> Bool {
        CompiledStripRule(self).matches(name)
    }
}

/// A `HeaderStripRule` with its pattern as lowercase bytes, for the hot path.
struct CompiledStripRule {
    enum Kind {
        case exact([UInt8])
        case prefix([UInt8])
        case containsUnderscore
        case never
    }

    let kind: Kind
    let untrustedOnly: Bool

    init(_ rule: HeaderStripRule) {
        switch rule.pattern {
        case .exact(let name): kind = .exact(Array(name.lowercased().utf8))
        case .prefix(let prefix): kind = .prefix(Array(prefix.lowercased().utf8))
        case .containsUnderscore: kind = .containsUnderscore
        case .listedInConnection: kind = .never
        }
        untrustedOnly = rule.scope == .untrustedPeers
    }

    func matches(_ name: String) -> Bool {
        name.withUTF8Buffer { matches($0) }
    }

    func matches(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        switch kind {
        case .exact(let literal): ASCII.equalsLowercase(name, literal)
        case .prefix(let prefix): ASCII.hasLowercasePrefix(name, prefix)
        case .containsUnderscore: name.contains(ASCII.underscore)
        case .never: false
        }
    }

    /// True when some rule of `rules` that applies to this peer covers `name`.
    static func anyMatches(_ rules: [CompiledStripRule], _ name: UnsafeBufferPointer<UInt8>, trusted: Bool) -> Bool {
        for rule in rules where !(trusted && rule.untrustedOnly) && rule.matches(name) {
            return true
        }
        return false
    }
}
