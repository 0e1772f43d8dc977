import ActionGateCore
import ActionGateServer
import ArgumentParser
import Foundation
import Logging
import NIOCore
import ServiceLifecycle

/// `actiongate demo`: the gateway in front of a built-in sample app, with throwaway keys and config.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the gateway in front of a built-in sample app (try it in a browser).",
        discussion: """
            Writes a fresh keyring, an admin token and a configuration to a temporary folder, starts a small
            notes app on a loopback port and the gateway in front of it on 127.0.0.1, and prints every
            decision the gateway makes. Ctrl-C stops both and removes the folder.
            """
    )

    @Option(help: "The gateway's port on 127.0.0.1 (0 picks a free port).")
    var port: Int = 8080

    /// The public origins' port until the real one is known (nothing is told about it).
    static let placeholderPort = 1

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be a number from 0 to 65535") }
    }

    func run() async throws {
        var logger = Logger(label: "actiongate.demo")
        logger.logLevel = .warning
        let workspace: DemoWorkspace
        do { workspace = try DemoWorkspace.create() } catch {
            throw StandardStreams.usageError("cannot create the demo's temporary files: \(error)")
        }
        defer { workspace.remove() }
        let sealer = DemoSealer(token: workspace.adminToken)
        let app = try await DemoApp.start(router: DemoAppRouter(notes: DemoNotes(), sealer: sealer))
        let gateway: Gateway
        do {
            gateway = try await startGateway(workspace: workspace, appPort: app.port, logger: logger)
        } catch {
            await app.close()
            throw error
        }
        sealer.setAdminAddress(gateway.server.adminAddress)
        let banner = DemoBanner(
            gatewayPort: gateway.server.listenAddress.port ?? port, appPort: app.port,
            adminPort: gateway.server.adminAddress?.port ?? 0, workspace: workspace)
        // The app is listed first: graceful shutdown runs in reverse order, so the gateway finishes
        // its in-flight requests while the app still answers them.
        let group = ServiceGroup(
            services: [app, banner] + gateway.server.services, gracefulShutdownSignals: [.sigterm, .sigint],
            cancellationSignals: [], logger: logger)
        try await group.run()
        workspace.remove()
        StandardStreams.out("Stopped; removed \(workspace.folder.path).")
    }

    /// Writes the configuration and starts the gateway. With `--port 0` the port is known only after
    /// binding, so the public origins (which must name a port) start with a placeholder; the
    /// configuration is rewritten with the bound port and reloaded before anyone is told the URL.
    private func startGateway(workspace: DemoWorkspace, appPort: Int, logger: Logger) async throws -> Gateway {
        try workspace.write(DemoConfiguration(gatewayPort: port == 0 ? Self.placeholderPort : port, appPort: appPort))
        let gateway: Gateway
        do {
            gateway = try await Gateway.start(
                configPath: workspace.configPath, listenOverride: ListenAddress(host: "127.0.0.1", port: port),
                reloadsOnSIGHUP: false, audit: DemoAuditPrinter(), logger: logger)
        } catch let error as GatewayLoadError {
            throw StandardStreams.usageError("the demo configuration did not load: \(error.description)")
        } catch {
            throw StandardStreams.usageError(
                "cannot listen on 127.0.0.1:\(port) (\(error)); pick another port with --port, or --port 0")
        }
        guard port == 0, let bound = gateway.server.listenAddress.port else { return gateway }
        do {
            try workspace.write(DemoConfiguration(gatewayPort: bound, appPort: appPort))
            guard gateway.server.reloader?.reloadNow(trigger: "demo port") == true else {
                throw DemoError("the configuration with port \(bound) did not load")
            }
        } catch {
            await gateway.server.shutdown(gracePeriod: .zero)
            throw StandardStreams.usageError("cannot start the demo: \(error)")
        }
        return gateway
    }
}
