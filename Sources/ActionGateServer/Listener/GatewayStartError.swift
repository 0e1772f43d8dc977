import ActionGateCore
import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// Why `GatewayServer.start` failed.
public enum GatewayStartError: Error, Equatable, CustomStringConvertible {
    /// The listener socket reported no local address.
    case noLocalAddress
    /// The EventLoopGroup has no EventLoops.
    case noEventLoops
    /// A listener could not be bound: `setting` is the configuration key that names `address`
    /// (`listen`, `admin.listen`), `errno` the system's reason (0 when it gave none).
    case bindFailed(setting: String, address: ListenAddress, errno: Int32, reason: String)

    public var description: String {
        switch self {
        case .noLocalAddress: return "a listener reported no local address"
        case .noEventLoops: return "no event loops to serve on"
        case .bindFailed(let setting, let address, let code, let reason):
            return "cannot listen on \(address) (\(setting)): \(reason)" + Self.hint(errno: code, setting: setting)
        }
    }

    /// What to do about the usual reasons.
    private static func hint(errno code: Int32, setting: String) -> String {
        switch code {
        case EADDRINUSE:
            return "; another process (or another `\(setting)` address on the same port) holds it: "
                + "stop it or choose another port"
        case EACCES:
            return "; ports below 1024 need root or CAP_NET_BIND_SERVICE "
                + "(systemd: AmbientCapabilities=CAP_NET_BIND_SERVICE), or choose a port from 1024"
        case EADDRNOTAVAIL:
            return "; the address is not one of this machine's: use 0.0.0.0, 127.0.0.1 or an address `ip addr` lists"
        default:
            return ""
        }
    }

    /// Runs `bind`, turning its failure into `bindFailed` for `setting` and `address`.
    static func binding<T>(
        _ setting: String, _ address: ListenAddress, _ bind: () async throws -> T
    ) async throws -> T {
        do {
            return try await bind()
        } catch let error as IOError {
            throw GatewayStartError.bindFailed(
                setting: setting, address: address, errno: error.errnoCode,
                reason: String(cString: strerror(error.errnoCode)))
        } catch let error as SocketAddressError {
            throw GatewayStartError.bindFailed(setting: setting, address: address, errno: 0, reason: "\(error)")
        }
    }
}
