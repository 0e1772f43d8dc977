/// An address a listener binds: `0.0.0.0:8080`, `127.0.0.1:9090`, `[::]:8080`, `localhost:8080`.
///
/// The host is an IPv4 or IPv6 literal (IPv6 in brackets) or `localhost`; the port is 0–65535, where 0
/// asks the system for a free port (tests).
public struct ListenAddress: Hashable, Sendable, CustomStringConvertible {
    /// Why a listen address was refused.
    public struct ParseError: Error, Equatable, Sendable {
        /// What to write instead.
        public let message: String
    }

    /// The host to bind: an IP literal without brackets, or `localhost`.
    public let host: String
    /// The port; 0 means any free port.
    public let port: Int

    /// An address from its parts.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port` or `[ipv6]:port`.
    public init(parsing text: String) throws(ParseError) {
        let expected = ParseError(message: "expected host:port, e.g. 0.0.0.0:8080, 127.0.0.1:9090 or [::]:8080")
        guard let colon = text.lastIndex(of: ":") else { throw expected }
        var host = String(text[..<colon])
        let portText = text[text.index(after: colon)...]
        guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy({ $0.isASCII && $0.isNumber }),
            let port = Int(portText), port <= 65535
        else { throw ParseError(message: "the port must be a number from 0 to 65535") }
        if host.hasPrefix("[") && host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
            guard let address = IPAddress(host), address.family == .v6 else {
                throw ParseError(message: "expected an IPv6 address in brackets, e.g. [::]:8080")
            }
        } else if host != "localhost" {
            guard let address = IPAddress(host), address.family == .v4 else {
                throw ParseError(message: "the host must be an IP address or localhost (IPv6 in brackets: [::1]:8080)")
            }
        }
        self.init(host: host, port: port)
    }

    /// True for `localhost`, `127.0.0.0/8` and `::1`.
    public var isLoopback: Bool {
        if host == "localhost" { return true }
        guard let address = IPAddress(host) else { return false }
        if let v4 = address.v4Value { return v4 >> 24 == 127 }
        return address.high == 0 && address.low == 1
    }

    /// `host:port`, IPv6 hosts in brackets.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
