/// A listener closed while the gateway was serving — not by a shutdown. SwiftNIO closes a listening
/// channel on an `accept` error it does not count as recoverable (anything but running out of
/// descriptors or memory, or an aborted connection); the process would then go on without
/// accepting anything, its admin listener still saying it is alive. `GatewayService` ends with this
/// error instead, so `serve` exits and the supervisor restarts it.
public struct ListenerClosed: Error, CustomStringConvertible {
    /// The listener's setting and address, e.g. `listen 0.0.0.0:8080`.
    public let listener: String

    public var description: String {
        "the listener \(listener) closed while serving (an accept error the gateway cannot recover from); "
            + "stopping so that the service manager restarts it"
    }
}
