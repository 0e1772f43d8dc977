/// The scheme of a web origin the gateway understands.
public enum OriginScheme: String, Hashable, Sendable {
    case http
    case https

    /// The port a URL of this scheme uses when it names none.
    public var defaultPort: Int { self == .https ? 443 : 80 }
}
