/// The parts of `scheme://host[:port]`, as byte offsets into the parsed buffer.
struct ParsedOrigin {
    /// `nil` for a syntactically valid scheme other than http/https (`chrome-extension://…`).
    var scheme: OriginScheme?
    var hostStart: Int
    var hostEnd: Int
    /// The explicit port, or the scheme's default; `-1` for an unknown scheme without a port.
    var port: Int
    /// The host is a bracketed IPv6 literal.
    var isIPv6: Bool
}

/// Byte-level parsing of serialised origins (`Origin` header, config entries): no allocation.
enum OriginSyntax {
    /// Parses `scheme://host[:port]`. With `allowWildcards`, `*` may appear in host labels; the
    /// caller (`OriginPattern`) checks where.
    static func parse(
        _ b: UnsafeBufferPointer<UInt8>,
        allowWildcards: Bool = false
    ) -> Result<ParsedOrigin, OriginSyntaxError> {
        // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then "://".
        var index = 0
        while index < b.count, isSchemeByte(b[index], first: index == 0) { index += 1 }
        guard index > 0, index + 2 < b.count, b[index] == UInt8(ascii: ":"),
            b[index + 1] == UInt8(ascii: "/"), b[index + 2] == UInt8(ascii: "/")
        else { return .failure(.missingScheme) }
        let scheme = schemeKind(b, 0, index)
        let authorityStart = index + 3
        var authorityEnd = authorityStart
        while authorityEnd < b.count {
            switch b[authorityEnd] {
            case UInt8(ascii: "/"): return .failure(.path)
            case UInt8(ascii: "?"): return .failure(.query)
            case UInt8(ascii: "#"): return .failure(.fragment)
            case UInt8(ascii: "@"): return .failure(.userinfo)
            default: authorityEnd += 1
            }
        }
        return parseAuthority(b, authorityStart, authorityEnd, scheme: scheme, allowWildcards: allowWildcards)
    }

    /// Parses `host[:port]` in `b[start..<end]` (also the `Host` header's grammar).
    static func parseAuthority(
        _ b: UnsafeBufferPointer<UInt8>,
        _ start: Int,
        _ end: Int,
        scheme: OriginScheme?,
        allowWildcards: Bool = false
    ) -> Result<ParsedOrigin, OriginSyntaxError> {
        guard start < end else { return .failure(.badHost) }
        var hostEnd = start
        var isIPv6 = false
        if b[start] == UInt8(ascii: "[") {
            while hostEnd < end && b[hostEnd] != UInt8(ascii: "]") { hostEnd += 1 }
            guard hostEnd < end else { return .failure(.badHost) }
            hostEnd += 1
            let inner = UnsafeBufferPointer(rebasing: b[(start + 1)..<(hostEnd - 1)])
            // Mapped literals are refused: they would be compared as IPv4 text elsewhere.
            guard let address = IPAddressParser.parseV6(inner), address.family == .v6 else {
                return .failure(.badHost)
            }
            isIPv6 = true
        } else {
            while hostEnd < end && b[hostEnd] != UInt8(ascii: ":") { hostEnd += 1 }
            guard isValidHostName(b, start, hostEnd, allowWildcards: allowWildcards) else {
                return .failure(.badHost)
            }
        }
        var port = scheme?.defaultPort ?? -1
        if hostEnd < end {
            guard b[hostEnd] == UInt8(ascii: ":") else { return .failure(.badHost) }
            guard let explicit = parsePort(b, hostEnd + 1, end) else { return .failure(.badPort) }
            port = explicit
        }
        return .success(ParsedOrigin(scheme: scheme, hostStart: start, hostEnd: hostEnd, port: port, isIPv6: isIPv6))
    }

    /// 1–65535, decimal, no leading zero.
    static func parsePort(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
        guard start < end, end - start <= 5, b[start] != UInt8(ascii: "0") else { return nil }
        var value = 0
        for index in start..<end {
            guard let digit = IPAddressParser.decimal(b[index]) else { return nil }
            value = value &* 10 &+ Int(digit)
        }
        return value <= 65535 ? value : nil
    }

    /// Dot-separated labels of `A–Z a–z 0–9 - _` (and `*` when allowed), none empty, each ≤ 63 bytes,
    /// at most 253 bytes in all.
    static func isValidHostName(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, allowWildcards: Bool) -> Bool
    {
        guard start < end, end - start <= 253 else { return false }
        var labelLength = 0
        for index in start..<end {
            let byte = b[index]
            if byte == UInt8(ascii: ".") {
                guard labelLength > 0 else { return false }
                labelLength = 0
                continue
            }
            guard isHostByte(byte) || (allowWildcards && byte == UInt8(ascii: "*")) else { return false }
            labelLength += 1
            guard labelLength <= 63 else { return false }
        }
        return labelLength > 0
    }

    @inline(__always)
    static func isHostByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default:
            false
        }
    }

    @inline(__always)
    static func isSchemeByte(_ byte: UInt8, first: Bool) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): true
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."): !first
        default: false
        }
    }

    static func schemeKind(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> OriginScheme? {
        if equalsLowercase(b, start, end, "https") { return .https }
        if equalsLowercase(b, start, end, "http") { return .http }
        return nil
    }

    /// ASCII case-insensitive comparison of `b[start..<end]` with a lowercase literal.
    @inline(__always)
    static func equalsLowercase(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ literal: StaticString)
        -> Bool
    {
        guard end - start == literal.utf8CodeUnitCount else { return false }
        let pointer = literal.utf8Start
        for offset in 0..<(end - start) where UInt8.asciiLowercased(b[start + offset]) != pointer[offset] {
            return false
        }
        return true
    }

    /// ASCII case-insensitive comparison of `b[start..<end]` with lowercase bytes.
    @inline(__always)
    static func equalsLowercase(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ lower: [UInt8]) -> Bool {
        guard end - start == lower.count else { return false }
        var offset = 0
        while offset < lower.count {
            if UInt8.asciiLowercased(b[start + offset]) != lower[offset] { return false }
            offset += 1
        }
        return true
    }

    /// Lowercased copy of `b[start..<end]` as a String (cold paths only).
    static func lowercasedString(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
        String(decoding: b[start..<end].map(UInt8.asciiLowercased), as: UTF8.self)
    }
}
