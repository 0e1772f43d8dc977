import Foundation

/// The Public Suffix List (publicsuffix.org), used to refuse allowed-origins wildcards that would
/// cover every site under a suffix anyone can register under (`*.com`, `**.co.uk`, `*.vercel.app`).
///
/// Debian's `publicsuffix` package installs it at `systemPath`; `system` reads it once per process.
/// Unicode rules are converted to their `xn--` form. The list's implicit `*` rule applies: any
/// single label (`com`, `localhost`) is a public suffix.
public struct PublicSuffixList: Sendable {
    /// Where Debian's `publicsuffix` package installs the list.
    public static let systemPath = "/usr/share/publicsuffix/public_suffix_list.dat"

    /// The system list, loaded on first use; `nil` when the file is absent or unreadable.
    public static let system: PublicSuffixList? = PublicSuffixList(contentsOfFile: systemPath)

    private let rules: Set<String>
    /// Parents of wildcard rules: `ck` for `*.ck`.
    private let wildcardParents: Set<String>
    /// Exception rules without the `!`: `www.ck` for `!www.ck`.
    private let exceptions: Set<String>

    /// The number of rules read (normal, wildcard and exception).
    public var count: Int { rules.count + wildcardParents.count + exceptions.count }

    /// Parses the list's text format: one rule per line, `//` comments, `*.` wildcards, `!` exceptions.
    public init(text: String) {
        var rules = Set<String>()
        var wildcardParents = Set<String>()
        var exceptions = Set<String>()
        for line in text.split(whereSeparator: \.isNewline) {
            guard let token = line.split(whereSeparator: \.isWhitespace).first, !token.hasPrefix("//") else {
                continue
            }
            var rule = Substring(token.lowercased())
            let isException = rule.hasPrefix("!")
            if isException { rule = rule.dropFirst() }
            let isWildcard = rule.hasPrefix("*.")
            if isWildcard { rule = rule.dropFirst(2) }
            guard let ascii = PublicSuffixList.asciiDomain(rule) else { continue }
            if isException {
                exceptions.insert(ascii)
            } else if isWildcard {
                wildcardParents.insert(ascii)
            } else {
                rules.insert(ascii)
            }
        }
        self.rules = rules
        self.wildcardParents = wildcardParents
        self.exceptions = exceptions
    }

    /// Reads the list from a file; `nil` when it cannot be read.
    public init?(contentsOfFile path: String) {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        self.init(text: String(decoding: data, as: UTF8.self))
    }

    /// True when `domain` (lowercase ASCII labels, no trailing dot) is itself a public suffix.
    public func isPublicSuffix(_ domain: String) -> Bool {
        if exceptions.contains(domain) { return false }
        if rules.contains(domain) { return true }
        guard let dot = domain.firstIndex(of: ".") else { return true }  // the implicit `*` rule
        return wildcardParents.contains(String(domain[domain.index(after: dot)...]))
    }

    private static func asciiDomain(_ rule: Substring) -> String? {
        var labels: [String] = []
        for label in rule.split(separator: ".", omittingEmptySubsequences: false) {
            guard !label.isEmpty, let ascii = Punycode.encodeLabel(String(label)) else { return nil }
            labels.append(ascii)
        }
        return labels.isEmpty ? nil : labels.joined(separator: ".")
    }
}
