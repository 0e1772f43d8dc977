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
        // First: until the reloader installs its handler, SIGHUP's default action would end the
        // process (a `systemctl reload` or logrotate's postrotate just after a restart).
        signal(SIGHUP, SIG_IGN)
        let path = ConfigLocation.resolve(config)
        guard FileManager.default.fileExists(atPath: path) else {
            throw StandardStreams.usageError(
                "no configuration at \(path); copy config.yaml.example to config.yaml and edit it, pass --config, or try `actiongate demo`"
            )
        }
        // Logging is set up before the gateway loads; a configuration that does not load gets the
        // defaults here and its errors from Gateway.start below.
        // A file that cannot be read is exit 2, as for `config check`: not an invalid configuration.
        let log: LogConfiguration
        do { log = try ConfigurationLoader().load(contentsOf: path).log } catch {
            if case .unreadable(_, let reason) = error { throw StandardStreams.usageError("\(path): \(reason)") }
            log = LogConfiguration()
        }
        let metrics = GatewayMetrics()
        ObservabilityBootstrap.bootstrap(level: log.level, metrics: metrics)
        let logger = Logger(label: "actiongate")
        let auditLog: AuditLog?
        do { auditLog = try ObservabilityBootstrap.auditLog(for: log.audit) } catch {
            throw StandardStreams.usageError(error.description)
        }
        defer { auditLog?.close() }
        let gateway: Gateway
        do {
            gateway = try await Gateway.start(
                configPath: path, audit: auditLog ?? NoAuditSink(), metrics: metrics,
                openFileLimit: OpenFileBudget.raiseProcessLimit(), logger: logger)
        } catch let error as GatewayLoadError {
            StandardStreams.error(error.description)
            StandardStreams.error(
                "error: the configuration is not valid; nothing was started (check with `actiongate config check \(path)`)"
            )
            throw ExitCode(1)
        } catch {
            throw StandardStreams.usageError("cannot start: \(error)")
        }
        if let auditLog { metrics.observe(auditLog: auditLog) }
        var metadata: Logger.Metadata = [
            "listen": "\(gateway.server.listenAddresses.map(Self.describe).joined(separator: ", "))"
        ]
        if let admin = gateway.server.adminAddress { metadata["admin"] = "\(Self.describe(admin))" }
        logger.info("serving", metadata: metadata)
        do {
            try await gateway.server.run()
        } catch let error as ListenerClosed {
            // Logged where it happened; exit 3 so that the service manager restarts the gateway.
            logger.info("stopped", metadata: ["error": "\(error.listener) closed"])
            throw ExitCode(3)
        }
        logger.info("stopped")
    }

    /// `127.0.0.1:8080` / `[::1]:8080`.
    static func describe(_ address: SocketAddress) -> String {
        let host = address.ipAddress ?? "?"
        let port = address.port.map(String.init) ?? "?"
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
