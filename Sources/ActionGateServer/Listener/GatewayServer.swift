import ActionGateCore
import Dispatch
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The data plane: the client listener, per-EventLoop upstream pools, the admin listener and the
/// reloader. The CLI's single entry point.
///
/// ```swift
/// let server = try await GatewayServer.start(settings: settings, snapshot: initial, reload: inputs)
/// print(server.listenAddress)          // the bound address (port 0 resolved)
/// try await server.run()               // until SIGTERM/SIGINT, then a graceful shutdown
/// ```
/// `start` binds both listeners before it returns. To run inside a caller-owned `ServiceGroup`,
/// add `server.services` to it instead of calling `run()`.
public final class GatewayServer: Sendable {
    /// The bound address of the first client listener (`settings.listen`).
    public var listenAddress: SocketAddress { listenAddresses[0] }
    /// The bound addresses of every client listener, `settings.listen` first.
    public let listenAddresses: [SocketAddress]
    /// The bound admin listener address, when the admin listener is on.
    public let adminAddress: SocketAddress?
    /// Connection and body-buffer gauges.
    public let counters: GatewayCounters
    /// Whether the configuration in force is the latest good one.
    public let reloadStatus: ReloadStatus
    /// The reloader, when reload inputs were given to `start`.
    public let reloader: Reloader?

    let settings: ServerSettings
    let logger: Logger
    private let publisher: SnapshotPublisher
    let listenChannels: [any Channel]
    private let adminChannel: (any Channel)?
    private let sweeps: [RepeatedTask]
    private let readiness: ReadinessCheck
    /// Set by `endGracePeriod()`: a graceful shutdown stops waiting for in-flight requests.
    private let graceEnded = Atomic(false)

    init(
        settings: ServerSettings,
        logger: Logger,
        counters: GatewayCounters,
        publisher: SnapshotPublisher,
        readiness: ReadinessCheck,
        listenChannels: [any Channel],
        adminChannel: (any Channel)?,
        sweeps: [RepeatedTask],
        reload: ReloadInputs?
    ) throws {
        let listenAddresses = listenChannels.compactMap(\.localAddress)
        guard !listenAddresses.isEmpty, listenAddresses.count == listenChannels.count else {
            throw GatewayStartError.noLocalAddress
        }
        self.settings = settings
        self.logger = logger
        self.counters = counters
        self.publisher = publisher
        self.readiness = readiness
        self.listenChannels = listenChannels
        self.listenAddresses = listenAddresses
        self.adminChannel = adminChannel
        self.adminAddress = adminChannel?.localAddress
        self.sweeps = sweeps
        self.reloadStatus = readiness.status
        self.reloader = reload.map { inputs in
            Reloader(inputs: inputs, status: readiness.status, logger: logger) { publisher.publish($0) }
        }
    }

    /// The snapshot requests start with now.
    public var snapshot: GatewaySnapshot { publisher.snapshot }

    /// Makes `snapshot` current on every EventLoop. Requests in flight finish with the snapshot
    /// they started with; upstream pools whose settings changed are replaced (their connections
    /// close when their exchange ends). It returns at once: each EventLoop installs the snapshot on
    /// its next turn, so a request arriving in the same instant may still see the previous one.
    public func publish(_ snapshot: GatewaySnapshot) {
        publisher.publish(snapshot)
    }

    /// The long-running parts for a caller-owned `ServiceGroup`: the gateway (graceful shutdown
    /// when the group shuts down) and, when configured, the reloader.
    public var services: [any Service] {
        let gateway = GatewayService(server: self)
        guard let reloader else { return [gateway] }
        return [gateway, reloader]
    }

    /// Runs until SIGTERM or SIGINT, then shuts down gracefully within
    /// `settings.shutdownGracePeriod`; a second SIGTERM or SIGINT meanwhile ends the wait (the
    /// connections still open are closed at once).
    public func run() async throws {
        let group = ServiceGroup(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            cancellationSignals: [],
            logger: logger
        )
        // The group has its own sources for these signals (each source of a signal gets it), but
        // only from inside `run()`: the first signal also asks the group itself, so one that
        // arrives before is not lost (the request is remembered, and ignored once shutting down).
        // Signals that arrive together are one event whose `data` says how many.
        let signals = Mutex(0)
        let sources = [SIGTERM, SIGINT].map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in
                let received = Int(source.data)
                let count = signals.withLock { count in
                    count += max(received, 1)
                    return count
                }
                Task { await group.triggerGracefulShutdown() }
                if count >= 2 { endGracePeriod() }
            }
            source.resume()
            return source
        }
        defer { for source in sources { source.cancel() } }
        try await group.run()
    }

    /// Waits until a listener closes without a shutdown having started (`ListenerClosed`); throws
    /// `CancellationError` when cancelled first. A listener closed by `shutdown()` is not reported.
    func firstListenerClosed() async throws -> ListenerClosed {
        var watched: [(String, any Channel)] = zip(listenChannels, [settings.listen] + settings.additionalListen)
            .map { ("listen \($1)", $0) }
        if let adminChannel, let admin = settings.admin { watched.append(("admin.listen \(admin)", adminChannel)) }
        let closing = AsyncStream<String>.makeStream()
        for (name, channel) in watched {
            channel.closeFuture.whenComplete { _ in closing.continuation.yield(name) }
        }
        for await name in closing.stream where !readiness.draining.isDraining {
            return ListenerClosed(listener: name)
        }
        throw CancellationError()
    }

    /// Ends a graceful shutdown's wait for in-flight requests: what is still open is closed now.
    public func endGracePeriod() {
        guard !graceEnded.exchange(true, ordering: .relaxed) else { return }
        if readiness.draining.isDraining {
            logger.warning(
                "shutdown hurried (signal received again): closing the connections still open",
                metadata: ["connections": "\(counters.openConnections)"])
        }
    }

    /// Why `/readyz` fails, or `nil` when ready: the last reload failed, the snapshot's own check
    /// fails, or no upstream accepts a TCP connection (probed at most every few seconds).
    public func readinessProblem() async -> String? {
        await readiness.problem()
    }

    /// Stops accepting, lets in-flight requests finish for up to `gracePeriod` (default
    /// `settings.shutdownGracePeriod`), then closes what is left. Idempotent.
    public func shutdown(gracePeriod: Duration? = nil) async {
        // From here on `/readyz` answers 503 "shutting down" (the admin listener closes last).
        guard readiness.draining.start() else { return }
        let grace = gracePeriod ?? settings.shutdownGracePeriod
        if grace > .zero {
            logger.info(
                "shutting down: no new connections; in-flight requests may finish (a second SIGTERM or SIGINT stops at once)",
                metadata: ["connections": "\(counters.openConnections)", "grace_period": "\(grace)"])
        }
        for listener in listenChannels { try? await listener.close() }
        for context in publisher.contexts {
            context.eventLoop.execute { context.value.quiesce() }
        }
        let deadline = ContinuousClock.now + grace
        while counters.openConnections > 0, ContinuousClock.now < deadline, !Task.isCancelled,
            !graceEnded.load(ordering: .relaxed)
        {
            try? await Task.sleep(for: .milliseconds(10))
        }
        if grace > .zero, counters.openConnections > 0, ContinuousClock.now >= deadline {
            logger.warning(
                "the shutdown grace period ended: closing the connections still open",
                metadata: ["connections": "\(counters.openConnections)"])
        }
        for context in publisher.contexts {
            try? await context.eventLoop.submit { context.value.closeAll() }.get()
        }
        for sweep in sweeps {
            sweep.cancel()
        }
        try? await adminChannel?.close()
    }

    /// The upstream pools, summed over EventLoops, by upstream name (tests and metrics).
    public func upstreamStats() async -> [String: UpstreamStats] {
        var total: [String: UpstreamStats] = [:]
        for context in publisher.contexts {
            let stats = try? await context.eventLoop.submit { context.value.upstreamStats }.get()
            for (name, pool) in stats ?? [:] {
                total[name, default: UpstreamStats()] = total[name, default: UpstreamStats()] + pool
            }
        }
        return total
    }

    /// Upstream connections open, summed over EventLoops, by upstream name.
    public func upstreamConnectionCounts() async -> [String: Int] {
        await upstreamStats().mapValues(\.connections)
    }
}
