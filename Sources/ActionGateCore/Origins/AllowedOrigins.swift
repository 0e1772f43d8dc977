/// The allowed-origins file: extra origins (besides `public_origins`) whose pages may invoke actions.
///
/// Format: one `scheme://host[:port]` entry per line; blank lines and `#` comments (a whole line, or
/// after whitespace) are ignored. Hosts use Next.js `allowedOrigins` wildcards (see `OriginPattern`).
/// Every refused line is reported with its number; a file with any refused line is not used at all,
/// so a typo never silently narrows or widens what is allowed.
public struct AllowedOrigins: Sendable, Equatable {
    /// An accepted entry and the line it came from (for audit logs and `origins test`).
    public struct Entry: Sendable, Hashable {
        /// The 1-based line number in the file.
        public let line: Int
        /// The parsed entry.
        public let pattern: OriginPattern

        /// An entry read from `line`.
        public init(line: Int, pattern: OriginPattern) {
            self.line = line
            self.pattern = pattern
        }
    }

    /// A refused line and why.
    public struct Refusal: Sendable, Equatable, CustomStringConvertible {
        /// The 1-based line number.
        public let line: Int
        /// What is wrong and what to write instead (never echoes the line).
        public let message: String

        /// `line N: message`.
        public var description: String { "line \(line): \(message)" }
    }

    /// Every refusal of a file that could not be used.
    public struct ParseError: Error, Equatable, Sendable {
        /// The refused lines, in file order.
        public let refusals: [Refusal]
    }

    /// The longest line read; longer lines are refused.
    public static let maximumLineLength = 2048

    /// The accepted entries, in file order.
    public let entries: [Entry]

    /// No entries: only `public_origins` are allowed.
    public static let empty = AllowedOrigins(entries: [])

    /// A set of entries built in code.
    public init(entries: [Entry]) {
        self.entries = entries
    }

    /// Parses the file's text.
    ///
    /// - Parameter publicSuffixes: the list wildcards are checked against; without one, a wildcard
    ///   needs at least two literal labels after it.
    public init(parsing text: String, publicSuffixes: PublicSuffixList?) throws(ParseError) {
        var entries: [Entry] = []
        var refusals: [Refusal] = []
        var lineNumber = 0
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            let line = AllowedOrigins.stripComment(rawLine)
            if line.isEmpty { continue }
            guard rawLine.utf8.count <= AllowedOrigins.maximumLineLength else {
                refusals.append(Refusal(line: lineNumber, message: "line too long"))
                continue
            }
            guard !line.contains(where: { $0 == " " || $0 == "\t" }) else {
                refusals.append(Refusal(line: lineNumber, message: "one origin per line (found spaces)"))
                continue
            }
            do {
                let pattern = try OriginPattern(parsing: String(line))
                try AllowedOrigins.checkSuffix(of: pattern, publicSuffixes)
                entries.append(Entry(line: lineNumber, pattern: pattern))
            } catch {
                refusals.append(Refusal(line: lineNumber, message: error.message))
            }
        }
        guard refusals.isEmpty else { throw ParseError(refusals: refusals) }
        self.entries = entries
    }

    /// Refuses a wildcard whose literal part is a public suffix (or, without a list, too short).
    static func checkSuffix(of pattern: OriginPattern, _ publicSuffixes: PublicSuffixList?) throws(OriginSyntaxError) {
        guard pattern.hasWildcard else { return }
        let suffix = pattern.literalSuffix
        if let publicSuffixes {
            let domain = suffix.joined(separator: ".")
            if publicSuffixes.isPublicSuffix(domain) { throw .wildcardCoversPublicSuffix(suffix: domain) }
        } else if suffix.count < 2 {
            throw .wildcardNeedsTwoLabels
        }
    }

    /// The line without a trailing `\r`, a `#` comment (at the start or after whitespace) and
    /// surrounding whitespace. A `#` right after an origin is kept, so `https://a.com#x` is refused
    /// as a fragment rather than silently read as `https://a.com`.
    static func stripComment(_ line: Substring) -> Substring {
        var end = line.endIndex
        var previousIsSpace = true
        for index in line.indices {
            let character = line[index]
            if character == "#" && previousIsSpace {
                end = index
                break
            }
            previousIsSpace = character == " " || character == "\t"
        }
        return line[..<end].trimmingASCIIWhitespace()
    }
}

extension Substring {
    /// Drops leading and trailing spaces, tabs and carriage returns.
    func trimmingASCIIWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return self[endIndex...]
        }
        return self[first...last]
    }
}
