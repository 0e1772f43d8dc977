import ActionGateCore
import ActionGateCrypto
import Foundation
import Logging
import NIOCore
import Synchronization

/// The running gateway as an operator starts it: `actiongate serve --config F` (and `demo`).
///
/// Loads the configuration, allowed origins, keyring and admin token as one snapshot, starts the
/// data plane with it, reloads all of them on change or SIGHUP (a bad file keeps the previous
/// snapshot in force and fails `/readyz`), and serves `POST /v1/seal` on the admin listener.
public final class Gateway: Sendable {
    public let server: GatewayServer
    private let current: CurrentGateway

    /// The configuration in force.
    public var configuration: Configuration { current.value.snapshot.configuration }

    private init(server: GatewayServer, current: CurrentGateway) {
        self.server = server
        self.current = current
    }

    /// Loads `configPath` and starts serving.
    ///
    /// - Parameters:
    ///   - listenOverride / adminOverride: bind these instead of the configured addresses (tests
    ///     and the demo use port 0).
    ///   - audit: receives one record per request (e.g. an `AuditLog`).
    ///   - metrics: when given, counts every request, follows loads and reloads, and serves
    ///     `GET /metrics` on the admin listener.
    ///   - openFileLimit: the process's open-file limit (`OpenFileBudget.raiseProcessLimit()`):
    ///     client connections are kept within what it leaves (`OpenFileBudget`), with a warning
    ///     when that is below `limits.max_connections`. `nil`: not checked.
    /// - Throws: `GatewayLoadError` naming the file and what to fix, or a bind error.
    public static func start(
        configPath: String,
        loader: ConfigurationLoader = ConfigurationLoader(),
        listenOverride: ListenAddress? = nil,
        adminOverride: ListenAddress? = nil,
        pollInterval: Duration = .seconds(2),
        reloadsOnSIGHUP: Bool = true,
        audit: any AuditSink = NoAuditSink(),
        metrics: GatewayMetrics? = nil,
        adminRoutes: [AdminRoute] = [],
        openFileLimit: Int? = nil,
        logger: Logger = Logger(label: "actiongate")
    ) async throws -> Gateway {
        let initial = try LoadedGateway.load(configPath: configPath, loader: loader)
        metrics?.snapshotLoaded(initial.snapshot)
        let box = CurrentGateway(initial)
        var settings = ServerSettings(configuration: initial.snapshot.configuration)
        if let listenOverride {
            settings.listen = listenOverride
            settings.additionalListen = []
        }
        if let adminOverride { settings.admin = adminOverride }
        for warning in initial.snapshot.configuration.warnings { logger.warning("\(warning)") }
        if let openFileLimit {
            let budget = OpenFileBudget(settings: settings, limit: openFileLimit)
            if let warning = budget.warning { logger.warning("\(warning)") }
            settings.limits.maxConnections = budget.clientConnections
        }
        let reload = ReloadInputs(
            watchedFiles: initial.watchedFiles, pollInterval: pollInterval, reloadsOnSIGHUP: reloadsOnSIGHUP
        ) {
            // Every reload (SIGHUP from logrotate's postrotate included) reopens an audit file.
            audit.reopen()
            let loaded: LoadedGateway
            do { loaded = try LoadedGateway.load(configPath: configPath, loader: loader) } catch {
                metrics?.reloadFailed()
                throw error
            }
            box.value = loaded
            let ignored = RestartOnlySettings.changed(
                from: initial.snapshot.configuration, to: loaded.snapshot.configuration)
            if !ignored.isEmpty {
                logger.warning(
                    "changed settings take effect only at the next restart; the running values stay in force",
                    metadata: ["settings": "\(ignored.joined(separator: ", "))"])
            }
            metrics?.snapshotLoaded(loaded.snapshot)
            metrics?.reloadSucceeded()
            return ReloadInputs.Loaded(snapshot: loaded.gatewaySnapshot, watchedFiles: loaded.watchedFiles)
        }
        let seal = SealRoute.route(current: { box.value }, clock: { Int64(Date().timeIntervalSince1970) })
        let sink: any AuditSink = metrics.map { AuditFanOut($0, audit) } ?? audit
        let server = try await GatewayServer.start(
            settings: settings, snapshot: initial.gatewaySnapshot, reload: reload,
            adminRoutes: [seal] + (metrics.map { [$0.route] } ?? []) + adminRoutes, audit: sink, logger: logger)
        metrics?.observe(counters: server.counters)
        return Gateway(server: server, current: box)
    }
}

/// The snapshot in force, for the admin endpoints (the data plane has its own per-EventLoop copies).
final class CurrentGateway: Sendable {
    private let state: Mutex<LoadedGateway>

    init(_ initial: LoadedGateway) { state = Mutex(initial) }

    var value: LoadedGateway {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }
}
