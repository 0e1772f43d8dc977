import ActionGateCrypto

/// One condition of a policy rule (`anyone`, `authenticated`, `subject`, `claims`, `source_ip`).
public enum PolicyCriterion: Sendable, Equatable {
    /// `anyone: true`: always matches, with or without a session.
    case anyone
    /// `authenticated: true`: a valid session is present.
    case authenticated
    /// `subject: [..]`: the session's subject is one of these.
    case subject(Set<String>)
    /// `claims: {name: value | [values]}`: every listed claim matches (see `ClaimRequirement`).
    case claims([ClaimRequirement])
    /// `source_ip: [CIDR..]`: the client address (after trusted-proxy resolution) is in one of these.
    case sourceIP([CIDR])

    /// The YAML key of this criterion.
    public var key: String {
        switch self {
        case .anyone: "anyone"
        case .authenticated: "authenticated"
        case .subject: "subject"
        case .claims: "claims"
        case .sourceIP: "source_ip"
        }
    }

    /// True when the request satisfies this criterion.
    @inline(__always)
    public func matches(identity: Identity?, clientAddress: IPAddress?) -> Bool {
        switch self {
        case .anyone:
            return true
        case .authenticated:
            return identity != nil
        case .subject(let subjects):
            guard let identity else { return false }
            return subjects.contains { $0.hasSameBytes(as: identity.subject) }
        case .claims(let requirements):
            guard let identity else { return false }
            for requirement in requirements where !requirement.matches(identity.claims) {
                return false
            }
            return true
        case .sourceIP(let networks):
            guard let clientAddress else { return false }
            for network in networks where network.contains(clientAddress) {
                return true
            }
            return false
        }
    }
}

/// One `claims:` entry: the claim `name` must equal one of `values`; an array claim matches when any
/// of its elements does. Values are strings, numbers or booleans and compare without conversion
/// (`true` never equals `"true"`, `1` equals `1.0`); strings (and claim names, and subjects) compare
/// byte for byte, never as Swift `String`s do: those are equal when canonically equivalent, so a user
/// named `\u{212A}ate` (KELVIN SIGN) would pass a rule for `Kate`.
public struct ClaimRequirement: Sendable, Equatable {
    /// The claim's name in the session.
    public let name: String
    /// The accepted values (at least one).
    public let values: [JSONValue]

    /// A requirement that claim `name` is one of `values`.
    public init(name: String, values: [JSONValue]) {
        self.name = name
        self.values = values
    }

    /// True when `claims[name]` is, or (for an array) contains, one of `values`.
    @inline(__always)
    public func matches(_ claims: [String: JSONValue]) -> Bool {
        guard let claim = Self.claim(name, in: claims) else { return false }
        if case .array(let elements) = claim {
            for element in elements where values.contains(where: { Self.sameValue($0, element) }) {
                return true
            }
            return false
        }
        return values.contains { Self.sameValue($0, claim) }
    }

    /// The claim whose name is `name` byte for byte (a dictionary lookup alone would also find a
    /// canonically equivalent spelling).
    @inline(__always)
    static func claim(_ name: String, in claims: [String: JSONValue]) -> JSONValue? {
        guard let index = claims.index(forKey: name), claims[index].key.hasSameBytes(as: name) else { return nil }
        return claims[index].value
    }

    /// `JSONValue` equality with strings compared byte for byte.
    @inline(__always)
    static func sameValue(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if case .string(let x) = a {
            guard case .string(let y) = b else { return false }
            return x.hasSameBytes(as: y)
        }
        return a == b
    }
}
