/// Why an origin (`public_origins`), an allowed-origins entry or an `Origin` header was refused.
///
/// `message` tells an operator what to write instead; it never repeats the refused text, so it is safe
/// to log for untrusted input too.
public enum OriginSyntaxError: Error, Equatable, Sendable {
    /// No `scheme://` in front (`example.com`).
    case missingScheme
    /// A scheme other than `http` or `https`.
    case unsupportedScheme
    /// `user@` before the host.
    case userinfo
    /// A path after the host, even a lone `/`.
    case path
    /// A `?query` after the host.
    case query
    /// A `#fragment` after the host.
    case fragment
    /// The host is empty, has empty labels, labels over 63 bytes, characters outside `A–Z a–z 0–9 - _`,
    /// or is a malformed or IPv4-mapped IPv6 literal.
    case badHost
    /// The port is empty, not decimal, has leading zeros, or is outside 1–65535.
    case badPort
    /// A label mixes `*` with other characters (`app-*.example.com`).
    case partialWildcard
    /// `**` anywhere but the left-most label.
    case misplacedDoubleWildcard
    /// A pattern made only of wildcards (`*`, `**`, `*.*`): wildcards only work below a literal domain.
    case wildcardWithoutLiteral
    /// A wildcard in an IP address (`192.168.*.*`).
    case wildcardOverIPAddress
    /// A wildcard whose literal part is a public suffix (`*.com`, `**.co.uk`, `*.vercel.app`).
    case wildcardCoversPublicSuffix(suffix: String)
    /// Without the public suffix list, a wildcard needs at least two literal labels after it.
    case wildcardNeedsTwoLabels

    /// What is wrong and what to write instead.
    public var message: String {
        switch self {
        case .missingScheme:
            "no scheme: write the origin as https://host or http://host[:port]"
        case .unsupportedScheme:
            "only http:// and https:// origins are supported"
        case .userinfo:
            "an origin has no user name or password (remove the part before @)"
        case .path:
            "an origin has no path: remove everything from the first / after the host"
        case .query:
            "an origin has no query: remove everything from ?"
        case .fragment:
            "an origin has no fragment: remove everything from #"
        case .badHost:
            "the host must be a DNS name (letters, digits, - and _ in dot-separated labels), an IPv4 address "
                + "or a bracketed IPv6 address"
        case .badPort:
            "the port must be a number from 1 to 65535 without leading zeros"
        case .partialWildcard:
            "partial-label wildcards like app-*.example.com are not supported; * must be a whole label"
        case .misplacedDoubleWildcard:
            "** is only allowed as the left-most label (**.example.com)"
        case .wildcardWithoutLiteral:
            "a wildcard must be followed by a literal domain (e.g. *.example.com)"
        case .wildcardOverIPAddress:
            "wildcards over IP addresses are not supported; list each address"
        case .wildcardCoversPublicSuffix(let suffix):
            "the wildcard covers every site under the public suffix \(suffix); name your own domain "
                + "(e.g. *.yourapp.\(suffix))"
        case .wildcardNeedsTwoLabels:
            "a wildcard needs at least two literal labels after it (e.g. *.example.com); install the "
                + "publicsuffix package for exact public-suffix checks"
        }
    }
}
