import ActionGateCore
import Logging
import NIOCore
import NIOPosix

extension GatewayServer {
    /// Binds the client and admin listeners and starts serving `snapshot`.
    ///
    /// - Parameters:
    ///   - settings: listeners, limits, upstreams (the snapshot carries the upstream table used).
    ///   - snapshot: the initial snapshot, already loaded and valid.
    ///   - reload: files to watch and the loader for new snapshots; `nil` disables reloading.
    ///   - adminRoutes: extra admin endpoints (e.g. `GET /metrics`, `POST /v1/seal`).
    ///   - audit: receives one record per request.
    ///   - group: the EventLoops to serve on; default one per core.
    /// - Returns: the running server; `listenAddresses`/`adminAddress` give the bound ports.
    public static func start(
        settings: ServerSettings,
        snapshot: GatewaySnapshot,
        reload: ReloadInputs? = nil,
        adminRoutes: [AdminRoute] = [],
        audit: any AuditSink = NoAuditSink(),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "actiongate.server")
    ) async throws -> GatewayServer {
        let loops = Array(group.makeIterator())
        guard !loops.isEmpty else { throw GatewayStartError.noEventLoops }
        let limits = settings.limits
        let counters = GatewayCounters(maxBufferedBodyBytes: limits.maxBufferedBodyBytes)
        var contexts: [NIOLoopBound<LoopContext>] = []
        for (index, loop) in loops.enumerated() {
            let context = try await loop.submit {
                NIOLoopBound(
                    LoopContext(
                        eventLoop: loop, loopIndex: index, eventLoopCount: loops.count, limits: limits,
                        counters: counters,
                        audit: audit, snapshot: snapshot, logger: logger
                    ),
                    eventLoop: loop
                )
            }.get()
            contexts.append(context)
        }
        let publisher = SnapshotPublisher(snapshot: snapshot, contexts: contexts)
        let interval = sweepInterval(settings: settings, snapshot: snapshot)
        let sweeps = contexts.map { context in
            context.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
                context.value.sweep(now: .now())
            }
        }
        let readiness = ReadinessCheck(
            draining: DrainingFlag(), status: ReloadStatus(), publisher: publisher, probe: UpstreamProbe(group: group))
        do {
            var listeners: [any Channel] = []
            var admin: (any Channel)?
            do {
                for address in [settings.listen] + settings.additionalListen {
                    let listener = try await GatewayStartError.binding("listen", address) {
                        try await bindClientListener(address, settings: settings, contexts: contexts, group: group)
                    }
                    listeners.append(listener)
                    try await AcceptErrorLogger.addLast(to: listener, address: address, logger: logger)
                }
                if let address = settings.admin {
                    admin = try await GatewayStartError.binding("admin.listen", address) {
                        try await AdminListener.bind(
                            address, routes: readiness.routes + adminRoutes, group: group, limits: settings.adminLimits)
                    }
                    if let admin {
                        try await AcceptErrorLogger.addLast(
                            to: admin, address: address, listener: "admin.listen", logger: logger)
                    }
                }
            } catch {
                for listener in listeners { try? await listener.close() }
                try? await admin?.close()
                throw error
            }
            return try GatewayServer(
                settings: settings, logger: logger, counters: counters, publisher: publisher, readiness: readiness,
                listenChannels: listeners, adminChannel: admin, sweeps: sweeps, reload: reload
            )
        } catch {
            for sweep in sweeps { sweep.cancel() }
            throw error
        }
    }

    private static func bindClientListener(
        _ address: ListenAddress,
        settings: ServerSettings,
        contexts: [NIOLoopBound<LoopContext>],
        group: any EventLoopGroup
    ) async throws -> any Channel {
        let byLoop = Dictionary(uniqueKeysWithValues: contexts.map { (ObjectIdentifier($0.eventLoop), $0) })
        let limits = settings.limits
        return try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(AcceptErrorLogger.backoffHandler())
                }
            }
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard let loop = byLoop[ObjectIdentifier(channel.eventLoop)]?.value else {
                        throw GatewayStartError.noEventLoops
                    }
                    let sync = channel.pipeline.syncOperations
                    if loop.counters.connectionOpened() > limits.maxConnections {
                        try sync.addHandler(
                            OverloadResponder(counters: loop.counters, requestID: loop.requestIDs.next()))
                        return
                    }
                    try sync.addHandler(ClientConnectionHandler(loop: loop))
                }
            }
            .bind(host: address.host, port: address.port)
            .get()
    }

    /// A quarter of the shortest timeout, between 10 ms and 1 s: deadlines fire at most that late.
    private static func sweepInterval(settings: ServerSettings, snapshot: GatewaySnapshot) -> TimeAmount {
        let limits = settings.limits
        var shortest = min(limits.headerTimeout, min(limits.bodyTimeout, limits.idleTimeout))
        for upstream in snapshot.upstreams.values {
            shortest = min(shortest, min(upstream.requestTimeout, upstream.idleTimeout))
        }
        let quarter = shortest.nanosecondsClamped / 4
        return .nanoseconds(min(max(quarter, 10_000_000), 1_000_000_000))
    }
}
