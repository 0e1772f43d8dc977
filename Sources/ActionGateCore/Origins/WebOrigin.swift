/// A web origin `scheme://host[:port]` with http or https, a lowercased host and an explicit port.
///
/// Used for `public_origins`: the gateway's own origins. Default ports are normalised
/// (`https://a.example:443` equals `https://a.example`); IPv6 hosts are kept bracketed in RFC 5952
/// form; `OriginMatcher` compares IPv6 hosts as addresses, whatever text form a client sends.
public struct WebOrigin: Hashable, Sendable, CustomStringConvertible {
    /// `http` or `https`.
    public let scheme: OriginScheme
    /// The host, ASCII-lowercased; IPv6 literals in brackets (`[::1]`).
    public let host: String
    /// The port, the scheme's default when the text named none.
    public let port: Int

    /// An origin from parts already known to be valid (tests, defaults).
    public init(scheme: OriginScheme, host: String, port: Int? = nil) {
        self.scheme = scheme
        self.host = host.lowercased()
        self.port = port ?? scheme.defaultPort
    }

    /// Parses `scheme://host[:port]`; refuses paths (even `/`), queries, fragments, user info,
    /// schemes other than http/https and wildcards.
    public init(parsing text: String) throws(OriginSyntaxError) {
        var copy = text
        let result = copy.withUTF8 { b -> Result<WebOrigin, OriginSyntaxError> in
            switch OriginSyntax.parse(b) {
            case .failure(let error):
                return .failure(error)
            case .success(let parsed):
                guard let scheme = parsed.scheme else { return .failure(.unsupportedScheme) }
                let host = WebOrigin.canonicalHost(b, parsed)
                return .success(WebOrigin(scheme: scheme, host: host, port: parsed.port))
            }
        }
        self = try result.get()
    }

    /// The host bytes as stored: lowercased, IPv6 literals re-serialised canonically.
    static func canonicalHost(_ b: UnsafeBufferPointer<UInt8>, _ parsed: ParsedOrigin) -> String {
        if parsed.isIPv6,
            let address = IPAddressParser.parseV6(
                UnsafeBufferPointer(rebasing: b[(parsed.hostStart + 1)..<(parsed.hostEnd - 1)]))
        {
            return "[\(address)]"
        }
        return OriginSyntax.lowercasedString(b, parsed.hostStart, parsed.hostEnd)
    }

    /// `host` or `host:port` as a browser writes it in `Host` for this origin (default port omitted).
    public var authority: String {
        port == scheme.defaultPort ? host : "\(host):\(port)"
    }

    /// The serialised origin, default port omitted: `https://app.example.com`.
    public var description: String { "\(scheme.rawValue)://\(authority)" }
}
