/// The origin check of DESIGN.md "Origin check", built once per configuration snapshot.
///
/// Stricter than Next.js: `Origin: null` is refused, a malformed or multi-valued `Origin` is a 400,
/// and a missing `Origin` is refused unless the browser says `Sec-Fetch-Site: same-origin` or the
/// action allows it. Exact origins are found through a hash of the lowercased host, wildcard entries
/// by a label walk; neither allocates, so the check is cheap on the hot path.
public struct OriginMatcher: Sendable {
    private struct ExactEntry: Sendable {
        var scheme: OriginScheme
        var host: [UInt8]
        var port: Int
        var reason: OriginDecision.AllowReason
        var line: Int?
    }

    /// The gateway's own origins; `Host` must name one of them.
    public let publicOrigins: [WebOrigin]
    /// The allowed-origins file's entries.
    public let allowedOrigins: AllowedOrigins

    private let exact: [UInt64: [ExactEntry]]
    private let wildcards: [AllowedOrigins.Entry]
    private let hosts: [ExactEntry]

    /// Builds the lookup tables.
    public init(publicOrigins: [WebOrigin], allowedOrigins: AllowedOrigins = .empty) {
        self.publicOrigins = publicOrigins
        self.allowedOrigins = allowedOrigins
        var exact: [UInt64: [ExactEntry]] = [:]
        var hosts: [ExactEntry] = []
        for origin in publicOrigins {
            let entry = ExactEntry(
                scheme: origin.scheme, host: Array(origin.host.utf8), port: origin.port, reason: .publicOrigin)
            exact[OriginMatcher.hash(entry.host, entry.port, entry.scheme), default: []].append(entry)
            hosts.append(entry)
        }
        var wildcards: [AllowedOrigins.Entry] = []
        for item in allowedOrigins.entries {
            if item.pattern.hasWildcard {
                wildcards.append(item)
                continue
            }
            let pattern = item.pattern
            let entry = ExactEntry(
                scheme: pattern.scheme, host: Array(pattern.host.utf8), port: pattern.port,
                reason: .allowedOriginsEntry, line: item.line)
            exact[OriginMatcher.hash(entry.host, entry.port, entry.scheme), default: []].append(entry)
        }
        self.exact = exact
        self.wildcards = wildcards
        self.hosts = hosts
    }

    /// True when a `Host` header value names a public origin's host and port (a missing port means
    /// the scheme's default). Refusing other hosts defeats DNS rebinding and spoofed `Host` headers.
    public func isAllowedHost(_ hostHeader: String) -> Bool {
        var value = hostHeader
        return value.withUTF8 { b in
            let (start, end) = OriginMatcher.trimmed(b)
            guard case .success(let parsed) = OriginSyntax.parseAuthority(b, start, end, scheme: nil) else {
                return false
            }
            if parsed.isIPv6 {
                var canonical = WebOrigin.canonicalHost(b, parsed)
                return canonical.withUTF8 { isAllowedHost($0, 0, $0.count, port: parsed.port) }
            }
            return isAllowedHost(b, parsed.hostStart, parsed.hostEnd, port: parsed.port)
        }
    }

    private func isAllowedHost(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, port: Int) -> Bool {
        for entry in hosts where OriginSyntax.equalsLowercase(b, start, end, entry.host) {
            if port == -1 ? entry.port == entry.scheme.defaultPort : port == entry.port {
                return true
            }
        }
        return false
    }

    /// Decides on a request's `Origin` header lines and `Sec-Fetch-Site` value.
    ///
    /// - Parameters:
    ///   - originValues: every `Origin` field value, in order (two lines are refused as malformed).
    ///   - missingOrigin: the action's `missing_origin`, used only when `Origin` is absent.
    public func check(
        originValues: [String],
        secFetchSite: String?,
        missingOrigin: MissingOriginPolicy
    ) -> OriginDecision {
        check(
            firstOrigin: originValues.first, originCount: originValues.count, secFetchSite: secFetchSite,
            missingOrigin: missingOrigin)
    }

    /// `check(originValues:secFetchSite:missingOrigin:)` given the first `Origin` value and how many
    /// there are (`HeaderFields.firstValue`), so the request path collects no array.
    public func check(
        firstOrigin: String?,
        originCount: Int,
        secFetchSite: String?,
        missingOrigin: MissingOriginPolicy
    ) -> OriginDecision {
        switch originCount {
        case 0:
            if let site = secFetchSite?.trimmingASCIISpaces() {
                if site.asciiCaseInsensitiveEquals("same-origin") { return .allowed(.sameOriginFetch) }
                if site.asciiCaseInsensitiveEquals("cross-site") || site.asciiCaseInsensitiveEquals("same-site") {
                    return .rejected(.crossSiteWithoutOrigin)
                }
            }
            return missingOrigin == .allow ? .allowed(.missingOriginAllowed) : .rejected(.missingOrigin)
        case 1:
            guard let origin = firstOrigin else { return .malformed(.malformedOrigin) }
            return check(origin: origin)
        default:
            return .malformed(.multipleOrigins)
        }
    }

    /// Decides on one `Origin` header value.
    public func check(origin: String) -> OriginDecision {
        var value = origin
        return value.withUTF8 { whole in
            let (start, end) = OriginMatcher.trimmed(whole)
            guard start < end else { return .malformed(.malformedOrigin) }
            let b = UnsafeBufferPointer(rebasing: whole[start..<end])
            for byte in b where byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: ",") {
                return .malformed(.multipleOrigins)
            }
            if b.elementsEqual("null".utf8) {
                return .rejected(.nullOrigin)
            }
            guard case .success(let parsed) = OriginSyntax.parse(b) else { return .malformed(.malformedOrigin) }
            guard let scheme = parsed.scheme else { return .rejected(.notAllowed) }
            if parsed.isIPv6 {
                // IPv6 hosts compare as addresses: their canonical text, whatever form was sent.
                var canonical = WebOrigin.canonicalHost(b, parsed)
                return canonical.withUTF8 { exactMatch($0, 0, $0.count, parsed.port, scheme) } ?? .rejected(.notAllowed)
            }
            if let decision = exactMatch(b, parsed.hostStart, parsed.hostEnd, parsed.port, scheme) { return decision }
            for item in wildcards where item.pattern.scheme == scheme && item.pattern.port == parsed.port {
                if item.pattern.matchesHost(b, parsed.hostStart, parsed.hostEnd) {
                    return .allowed(.allowedOriginsEntry, line: item.line)
                }
            }
            return .rejected(.notAllowed)
        }
    }

    // MARK: - Helpers

    /// The public origin or exact allowed-origins entry with this host (`b[start..<end]`), port and scheme.
    private func exactMatch(
        _ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ port: Int, _ scheme: OriginScheme
    ) -> OriginDecision? {
        let hash = OriginMatcher.hash(b, start, end, port, scheme)
        for entry in exact[hash] ?? [] where entry.scheme == scheme && entry.port == port {
            if OriginSyntax.equalsLowercase(b, start, end, entry.host) {
                return .allowed(entry.reason, line: entry.line)
            }
        }
        return nil
    }

    private static func trimmed(_ b: UnsafeBufferPointer<UInt8>) -> (Int, Int) {
        var start = 0
        var end = b.count
        while start < end && (b[start] == UInt8(ascii: " ") || b[start] == UInt8(ascii: "\t")) { start += 1 }
        while end > start && (b[end - 1] == UInt8(ascii: " ") || b[end - 1] == UInt8(ascii: "\t")) { end -= 1 }
        return (start, end)
    }

    /// FNV-1a over the lowercased host, the port and the scheme.
    private static func hash(
        _ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ port: Int, _ scheme: OriginScheme
    ) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for index in start..<end {
            hash = (hash ^ UInt64(UInt8.asciiLowercased(b[index]))) &* 0x100_0000_01b3
        }
        hash = (hash ^ UInt64(truncatingIfNeeded: port)) &* 0x100_0000_01b3
        return (hash ^ (scheme == .https ? 1 : 2)) &* 0x100_0000_01b3
    }

    private static func hash(_ host: [UInt8], _ port: Int, _ scheme: OriginScheme) -> UInt64 {
        host.withUnsafeBufferPointer { hash($0, 0, $0.count, port, scheme) }
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs (HTTP optional whitespace).
    func trimmingASCIISpaces() -> String {
        String(Substring(self).trimmingASCIIWhitespace())
    }
}
