/// One allowed-origins entry: `scheme://host-pattern[:port]` with Next.js `allowedOrigins` host wildcards.
///
/// `*` stands for exactly one non-empty label, `**` (left-most only) for one or more; neither ever
/// matches the bare domain after it (`*.example.com` does not match `example.com`). Ports are literal
/// and default ports are normalised; hosts compare ASCII case-insensitively. Building a pattern checks
/// the syntax only; `AllowedOrigins` also refuses wildcards that cover a public suffix.
public struct OriginPattern: Hashable, Sendable, CustomStringConvertible {
    /// One host label of a pattern.
    public enum Label: Hashable, Sendable {
        /// A literal label, ASCII-lowercased.
        case literal([UInt8])
        /// `*`: exactly one label.
        case one
        /// `**`: one or more labels (left-most only).
        case many
    }

    /// `http` or `https`.
    public let scheme: OriginScheme
    /// The host pattern as written, ASCII-lowercased (`*.example.com`).
    public let host: String
    /// The port, the scheme's default when the entry named none.
    public let port: Int
    /// The host labels, left to right.
    public let labels: [Label]

    /// True when the host contains `*` or `**`.
    public var hasWildcard: Bool {
        labels.contains { $0 == .one || $0 == .many }
    }

    /// The literal labels right of the right-most wildcard (`example.com` for `a.*.example.com`).
    public var literalSuffix: [String] {
        let last = labels.lastIndex { $0 == .one || $0 == .many } ?? -1
        return labels[(last + 1)...].compactMap {
            if case .literal(let bytes) = $0 { String(decoding: bytes, as: UTF8.self) } else { nil }
        }
    }

    /// Parses an entry; throws the first syntax problem (see `OriginSyntaxError`).
    public init(parsing text: String) throws(OriginSyntaxError) {
        var copy = text
        let result = copy.withUTF8 { b -> Result<OriginPattern, OriginSyntaxError> in
            switch OriginSyntax.parse(b, allowWildcards: true) {
            case .failure(let error):
                return .failure(error)
            case .success(let parsed):
                guard let scheme = parsed.scheme else { return .failure(.unsupportedScheme) }
                let host = WebOrigin.canonicalHost(b, parsed)
                return OriginPattern.labels(of: host, isIPv6: parsed.isIPv6).map {
                    OriginPattern(scheme: scheme, host: host, port: parsed.port, labels: $0)
                }
            }
        }
        self = try result.get()
    }

    /// A pattern from an origin with no wildcard.
    public init(exactly origin: WebOrigin) {
        scheme = origin.scheme
        host = origin.host
        port = origin.port
        labels = host.split(separator: ".", omittingEmptySubsequences: false).map { .literal(Array($0.utf8)) }
    }

    private init(scheme: OriginScheme, host: String, port: Int, labels: [Label]) {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.labels = labels
    }

    private static func labels(of host: String, isIPv6: Bool) -> Result<[Label], OriginSyntaxError> {
        if isIPv6 { return .success([.literal(Array(host.utf8))]) }
        var labels: [Label] = []
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        for (index, part) in parts.enumerated() {
            switch part {
            case "*":
                labels.append(.one)
            case "**":
                guard index == 0 else { return .failure(.misplacedDoubleWildcard) }
                labels.append(.many)
            default:
                guard !part.contains("*") else { return .failure(.partialWildcard) }
                labels.append(.literal(Array(part.utf8)))
            }
        }
        let wildcards = labels.filter { $0 == .one || $0 == .many }.count
        guard wildcards > 0 else { return .success(labels) }
        guard case .literal(let last) = labels[labels.count - 1] else { return .failure(.wildcardWithoutLiteral) }
        // TLDs are never all-digit, so a numeric last label means an IPv4 address.
        if last.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            return .failure(.wildcardOverIPAddress)
        }
        return .success(labels)
    }

    /// True when `origin` matches this pattern.
    public func matches(_ origin: WebOrigin) -> Bool {
        var host = origin.host
        return origin.scheme == scheme && origin.port == port
            && host.withUTF8 { matchesHost($0, 0, $0.count) }
    }

    /// Host matching on raw bytes `b[start..<end]` (already syntax-checked: no empty labels).
    @inline(__always)
    func matchesHost(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var remainingEnd = end  // the unmatched host is b[start..<remainingEnd]
        var exhausted = start >= end
        var index = labels.count - 1
        while index >= 0 {
            if exhausted { return false }
            let label = labels[index]
            if label == .many { return true }  // one or more labels remain, and ** is left-most
            var labelStart = remainingEnd
            while labelStart > start && b[labelStart - 1] != UInt8(ascii: ".") { labelStart -= 1 }
            if case .literal(let bytes) = label,
                !OriginSyntax.equalsLowercase(b, labelStart, remainingEnd, bytes)
            {
                return false
            }
            if labelStart == start {
                exhausted = true
            } else {
                remainingEnd = labelStart - 1
            }
            index -= 1
        }
        return exhausted
    }

    /// The entry as written (lowercased), default port omitted.
    public var description: String {
        port == scheme.defaultPort ? "\(scheme.rawValue)://\(host)" : "\(scheme.rawValue)://\(host):\(port)"
    }
}
