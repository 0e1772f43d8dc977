/// A host and TCP port to bind a listener to.
///
/// Port 0 asks the kernel for a free port; `GatewayServer.addresses` reports the port it got.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// An IP address or host name (`0.0.0.0`, `127.0.0.1`, `::1`).
    public var host: String
    /// The TCP port, 0–65535.
    public var port: Int

    /// Creates an address from its parts.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `host:port`, with brackets around IPv6 literals.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
