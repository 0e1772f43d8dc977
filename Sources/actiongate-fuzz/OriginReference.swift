import ActionGateCore

/// A slow, obviously-correct origin matcher to compare `OriginMatcher`'s hashed fast path against.
///
/// It works on parsed, canonical `WebOrigin` values and label arrays, never on raw bytes, so the two
/// share no matching code: `OriginMatcher` hashes raw header bytes and walks labels right to left.
enum OriginReference {
    /// True when `origin` is a public origin or matches an allowed-origins entry.
    static func allows(_ origin: WebOrigin, publicOrigins: [WebOrigin], allowed: AllowedOrigins) -> Bool {
        if publicOrigins.contains(origin) { return true }
        return allowed.entries.contains { entry in
            entry.pattern.scheme == origin.scheme && entry.pattern.port == origin.port
                && hostMatches(entry.pattern, origin.host)
        }
    }

    /// Next.js `allowedOrigins` semantics on lowercase labels: `*` one label, `**` (left-most) one or more.
    static func hostMatches(_ pattern: OriginPattern, _ host: String) -> Bool {
        guard pattern.hasWildcard else { return pattern.host == host }
        if host.hasPrefix("[") { return false }  // wildcards never cover IP literals
        let labels = host.split(separator: ".", omittingEmptySubsequences: false).map { Array($0.utf8) }
        let patternLabels = pattern.labels
        let hasMany = patternLabels.first == .many
        let fixed = hasMany ? Array(patternLabels.dropFirst()) : patternLabels
        guard hasMany ? labels.count > fixed.count : labels.count == fixed.count else { return false }
        for (label, want) in zip(labels.suffix(fixed.count), fixed) {
            switch want {
            case .literal(let bytes): if label != bytes { return false }
            case .one: if label.isEmpty { return false }
            case .many: return false  // only left-most, handled above
            }
        }
        return true
    }
}
