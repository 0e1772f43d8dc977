import ActionGateCore
import ActionGateServer
import ArgumentParser
import Foundation
import Logging
import NIOCore

/// `actiongate serve --config config.yaml`: runs the gateway until SIGTERM or SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the gateway.",
        discussion: """
            Loads the configuration, the allowed-origins file and the keyring, then serves until SIGTERM or
            SIGINT (in-flight requests finish within the grace period). Files are reloaded when they change
            and on SIGHUP; an invalid file keeps the previous configuration in force and fails /readyz.
            """
    )

    @Option(help: "The configuration file (default: $ACTIONGATE_CONFIG, else ./config.yaml).")
    var config: String?

    func run() async throws {
        let path = ConfigLocation.resolve(config)
        guard FileManager.default.fileExists(atPath: path) else {
            throw StandardStreams.usageError(
                "no configuration at \(path); copy config.yaml.example to config.yaml and edit it, pass --config, or try `actiongate demo`")
        }
        let gateway: Gateway
        do {
            gateway = try await Gateway.start(configPath: path, logger: Logger(label: "actiongate"))
        } catch let error as GatewayLoadError {
            StandardStreams.error(error.description)
            StandardStreams.error("error: the configuration is not valid; nothing was started (check with `actiongate config check \(path)`)")
            throw ExitCode(1)
        } catch {
            throw StandardStreams.usageError("cannot start: \(error)")
        }
        let admin = gateway.server.adminAddress.map { ", admin on \(Self.describe($0))" } ?? ""
        StandardStreams.error("actiongate: serving on \(Self.describe(gateway.server.listenAddress))\(admin)")
        try await gateway.server.run()
    }

    /// `127.0.0.1:8080` / `[::1]:8080`.
    static func describe(_ address: SocketAddress) -> String {
        let host = address.ipAddress ?? "?"
        let port = address.port.map(String.init) ?? "?"
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
