import ActionGateCore

/// Origin parsing and matching: `WebOrigin`, `OriginPattern`, `AllowedOrigins`, `OriginMatcher`.
///
/// The input is text; the whole text and each of its first lines are tried as an `Origin` value, a
/// `Host` value and an allowed-origins entry, and the whole text as an allowed-origins file.
/// Properties: canonical forms re-parse to themselves; the matcher's fast path agrees with
/// `OriginReference` on canonical origins and never allows what the reference refuses.
enum OriginFuzzer {
    static let maximumLines = 16

    static func run(_ input: [UInt8]) throws(PropertyViolation) {
        let matcher = try FuzzFixture.matcher.get()
        let text = String(decoding: input, as: UTF8.self)
        let lines = FuzzInput.lines(input, limit: maximumLines)
        for value in [text] + (lines.count > 1 ? lines : []) {
            try checkOrigin(value, matcher)
            try checkPattern(value)
            try checkHost(value, matcher)
        }
        try checkFile(text)
        try checkHeaderLists(lines, matcher)
    }

    /// `WebOrigin`: the description re-parses to an equal origin; the matcher agrees with the reference.
    static func checkOrigin(_ value: String, _ matcher: OriginMatcher) throws(PropertyViolation) {
        let decision = matcher.check(origin: value)
        let trimmed = FuzzInput.trimmingOWS(value)
        let parsed = try? WebOrigin(parsing: trimmed)
        if let origin = parsed {
            let again = try? WebOrigin(parsing: origin.description)
            try PropertyViolation.check(again == origin, "WebOrigin description does not re-parse to itself")
            let expected = OriginReference.allows(
                origin, publicOrigins: matcher.publicOrigins, allowed: matcher.allowedOrigins)
            // The canonical spelling (what browsers send) must be decided exactly as the reference decides.
            let canonical = matcher.check(origin: origin.description)
            try PropertyViolation.check(
                canonical.isAllowed == expected,
                "matcher says \(canonical.code) for a canonical origin the reference \(expected ? "allows" : "refuses")"
            )
        }
        if decision.isAllowed {
            // Any other spelling may be refused (e.g. a non-canonical IPv6 literal) but never allowed wrongly.
            guard let origin = parsed else {
                throw PropertyViolation(message: "matcher allowed an Origin that WebOrigin refuses")
            }
            try PropertyViolation.check(
                OriginReference.allows(origin, publicOrigins: matcher.publicOrigins, allowed: matcher.allowedOrigins),
                "matcher allowed an origin the reference refuses")
        }
    }

    /// `OriginPattern`: the description re-parses to an equal pattern with the same labels.
    static func checkPattern(_ value: String) throws(PropertyViolation) {
        guard let pattern = try? OriginPattern(parsing: value) else { return }
        let again = try? OriginPattern(parsing: pattern.description)
        try PropertyViolation.check(again == pattern, "OriginPattern description does not re-parse to itself")
        if !pattern.hasWildcard, let origin = try? WebOrigin(parsing: pattern.description) {
            try PropertyViolation.check(pattern.matches(origin), "an exact pattern does not match its own origin")
        }
    }

    /// `Host`: accepted only when it names a public origin's host and port. An IPv6 literal may be
    /// spelled any way that names the same address (`[0:0::1]` for `[::1]`), as the matcher
    /// canonicalises it; the address is compared as an `IPAddress`.
    static func checkHost(_ value: String, _ matcher: OriginMatcher) throws(PropertyViolation) {
        guard matcher.isAllowedHost(value) else { return }
        let host = FuzzInput.trimmingOWS(value).lowercased()
        let named = matcher.publicOrigins.contains { origin in
            host == origin.authority || host == "\(origin.host):\(origin.port)" || namesSameIPv6Host(host, origin)
        }
        try PropertyViolation.check(named, "isAllowedHost accepted a host that is not a public origin's authority")
    }

    /// `[address]` or `[address]:port` naming the origin's IPv6 address and port.
    static func namesSameIPv6Host(_ host: String, _ origin: WebOrigin) -> Bool {
        guard host.hasPrefix("["), origin.host.hasPrefix("["), let close = host.firstIndex(of: "]") else {
            return false
        }
        let rest = host[host.index(after: close)...]
        let port = rest.isEmpty ? origin.scheme.defaultPort : rest.hasPrefix(":") ? Int(rest.dropFirst()) : nil
        guard port == origin.port,
            let address = IPAddress(String(host[host.index(after: host.startIndex)..<close])),
            let expected = IPAddress(String(origin.host.dropFirst().dropLast()))
        else { return false }
        return address == expected
    }

    /// An allowed-origins file: entries re-parse, line numbers are in range, wildcards respect the suffix rule.
    static func checkFile(_ text: String) throws(PropertyViolation) {
        let lineCount = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .count
        for suffixes in [nil, FuzzFixture.publicSuffixes] {
            let parsed = Result { () throws(AllowedOrigins.ParseError) in
                try AllowedOrigins(parsing: text, publicSuffixes: suffixes)
            }
            switch parsed {
            case .success(let file): try checkEntries(file, lineCount: lineCount, suffixes: suffixes)
            case .failure(let error):
                try PropertyViolation.check(!error.refusals.isEmpty, "a refused file without refusals")
                for refusal in error.refusals {
                    try PropertyViolation.check(
                        refusal.line >= 1 && refusal.line <= lineCount, "refusal line number out of range")
                }
            }
        }
    }

    static func checkEntries(_ file: AllowedOrigins, lineCount: Int, suffixes: PublicSuffixList?)
        throws(PropertyViolation)
    {
        var previous = 0
        for entry in file.entries {
            try PropertyViolation.check(
                entry.line > previous && entry.line <= lineCount, "entry line numbers out of order or range")
            previous = entry.line
            let again = try? OriginPattern(parsing: entry.pattern.description)
            try PropertyViolation.check(again == entry.pattern, "an accepted entry does not re-parse")
            guard entry.pattern.hasWildcard else { continue }
            let suffix = entry.pattern.literalSuffix
            if let suffixes {
                try PropertyViolation.check(
                    !suffixes.isPublicSuffix(suffix.joined(separator: ".")),
                    "a wildcard over a public suffix was accepted")
            } else {
                try PropertyViolation.check(suffix.count >= 2, "a wildcard over one label was accepted")
            }
        }
    }

    /// `check(originValues:secFetchSite:missingOrigin:)` on header lists built from the lines.
    static func checkHeaderLists(_ lines: [String], _ matcher: OriginMatcher) throws(PropertyViolation) {
        for count in 0...min(2, lines.count) {
            for missing in MissingOriginPolicy.allCases {
                let decision = matcher.check(
                    originValues: Array(lines.prefix(count)), secFetchSite: lines.last, missingOrigin: missing)
                switch count {
                case 0:
                    let site = lines.last.map(FuzzInput.fetchSite)
                    if site == "same-origin" {
                        try PropertyViolation.check(decision.isAllowed, "same-origin fetch without Origin refused")
                    } else if site == "cross-site" || site == "same-site" {
                        try PropertyViolation.check(!decision.isAllowed, "cross-site fetch without Origin allowed")
                    } else {
                        try PropertyViolation.check(
                            decision.isAllowed == (missing == .allow), "missing Origin decided against its policy")
                    }
                case 1:
                    try PropertyViolation.check(
                        decision == matcher.check(origin: lines[0]), "one Origin line decided unlike check(origin:)")
                default:
                    try PropertyViolation.check(decision == .malformed(.multipleOrigins), "two Origin lines accepted")
                }
            }
        }
    }
}
