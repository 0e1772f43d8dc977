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
    ///
    /// Lines are scanned as bytes; the few with non-ASCII rules (IDN suffixes) go through
    /// `Punycode`. The file has ~10,000 rules and is read on every configuration load, so the
    /// ASCII path builds each rule's string once, straight from its bytes.
    public init(text: String) {
        var parsed = ParsedRules()
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            while start < bytes.count {
                var end = start
                // LF, VT, FF and CR all end a line (as `Character.isNewline` says).
                while end < bytes.count, !(0x0A...0x0D).contains(bytes[end]) { end += 1 }
                parsed.add(line: UnsafeBufferPointer(rebasing: bytes[start..<end]))
                start = end + 1
            }
        }
        self.rules = parsed.rules
        self.wildcardParents = parsed.wildcardParents
        self.exceptions = parsed.exceptions
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

    /// The three rule sets, filled line by line.
    private struct ParsedRules {
        var rules = Set<String>()
        var wildcardParents = Set<String>()
        var exceptions = Set<String>()

        mutating func add(line: UnsafeBufferPointer<UInt8>) {
            guard line.allSatisfy({ $0 < 0x80 }) else {
                // Unicode whitespace, newlines and case rules apply: the general path.
                for unicodeLine in String(decoding: line, as: UTF8.self).split(whereSeparator: \.isNewline) {
                    addUnicode(unicodeLine)
                }
                return
            }
            var start = 0
            while start < line.count, Self.isASCIIWhitespace(line[start]) { start += 1 }
            var end = start
            while end < line.count, !Self.isASCIIWhitespace(line[end]) { end += 1 }
            var token = Array(line[start..<end])
            guard !token.isEmpty, !token.starts(with: [UInt8(ascii: "/"), UInt8(ascii: "/")]) else { return }
            for index in token.indices { token[index] = UInt8.asciiLowercased(token[index]) }
            let isException = token.first == UInt8(ascii: "!")
            if isException { token.removeFirst() }
            let isWildcard = token.starts(with: [UInt8(ascii: "*"), UInt8(ascii: ".")])
            if isWildcard { token.removeFirst(2) }
            // Every label non-empty and at most 63 bytes (what `Punycode` requires of ASCII labels).
            var labelLength = 0
            for byte in token + [UInt8(ascii: ".")] {
                if byte == UInt8(ascii: ".") {
                    guard labelLength > 0, labelLength <= 63 else { return }
                    labelLength = 0
                } else {
                    labelLength += 1
                }
            }
            insert(String(decoding: token, as: UTF8.self), isException: isException, isWildcard: isWildcard)
        }

        /// A line with non-ASCII text: Unicode lowercasing, and `xn--` labels.
        private mutating func addUnicode(_ line: Substring) {
            guard let token = line.split(whereSeparator: \.isWhitespace).first, !token.hasPrefix("//") else {
                return
            }
            var rule = Substring(token.lowercased())
            let isException = rule.hasPrefix("!")
            if isException { rule = rule.dropFirst() }
            let isWildcard = rule.hasPrefix("*.")
            if isWildcard { rule = rule.dropFirst(2) }
            guard let ascii = PublicSuffixList.asciiDomain(rule) else { return }
            insert(ascii, isException: isException, isWildcard: isWildcard)
        }

        private mutating func insert(_ domain: String, isException: Bool, isWildcard: Bool) {
            if isException {
                exceptions.insert(domain)
            } else if isWildcard {
                wildcardParents.insert(domain)
            } else {
                rules.insert(domain)
            }
        }

        /// Within a line (line breaks are gone): space and tab.
        private static func isASCIIWhitespace(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
        }
    }

    private static func asciiDomain(_ rule: Substring) -> String? {
        var labels: [String] = []
        for label in rule.split(separator: ".", omittingEmptySubsequences: false) {
            guard !label.isEmpty, let ascii = Punycode.encodeLabel(String(label)) else { return nil }
            labels.append(ascii)
        }
        return labels.isEmpty ? nil : labels.joined(separator: ".")
    }

    /// The parsed rule sets (tests compare parsers with them).
    var ruleSets: (rules: Set<String>, wildcardParents: Set<String>, exceptions: Set<String>) {
        (rules, wildcardParents, exceptions)
    }
}
