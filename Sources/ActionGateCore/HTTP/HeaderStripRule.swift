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
    /// it needs the message, see `RequestHeaderRules.sanitize`). For tests and tools; the hot path
    /// uses a compiled `StripTable`.
    public func matches(_ name: String) -> Bool {
        let table = StripTable([self])
        return name.withUTF8Buffer { table.matches($0, trusted: false) }
    }
}
