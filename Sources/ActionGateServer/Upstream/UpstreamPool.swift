import NIOCore
import NIOPosix

/// The keep-alive connections one EventLoop holds to one upstream.
///
/// Confined to its EventLoop (no locks). It opens at most `maxConnections` (this loop's share of
/// the upstream's total), queues at most `maxWaitingRequests` exchanges when all are busy, reuses
/// idle connections newest-first, and closes those idle longer than `idleTimeout`. A connection
/// goes back to the pool only after a response that was read completely and did not ask to close.
final class UpstreamPool {
    /// The pool's answer to `lease`.
    enum Lease {
        case ready(UpstreamConnection)
        /// A connection is being opened for the exchange; it will be told through
        /// `upstreamConnectionReady` or `upstreamFailed`.
        case connecting
        /// Every connection is busy: the exchange is queued for the next free one, and told as above.
        case waiting
        case busy
    }

    /// Largest response head accepted from an upstream (status line and fields).
    static let maxResponseHeadBytes = 64 * 1024

    let settings: UpstreamSettings
    let maxConnections: Int
    private let eventLoop: any EventLoop
    private var idle: [UpstreamConnection] = []
    private var openCount = 0
    private var waiters = CircularBuffer<any UpstreamExchange>()
    private var isRetired = false

    /// A pool for the event loop numbered `loopIndex` of `eventLoopCount`.
    init(settings: UpstreamSettings, loopIndex: Int, eventLoopCount: Int, eventLoop: any EventLoop) {
        self.settings = settings
        self.maxConnections = Self.share(of: settings.maxConnections, loop: loopIndex, of: eventLoopCount)
        self.eventLoop = eventLoop
    }

    /// One loop's share of an upstream's `max_connections`: the total split as evenly as it goes
    /// (the first `total % loops` loops take one more), so the shares add up to the total; but
    /// every loop gets at least one, so below one per loop the total is the number of loops.
    static func share(of total: Int, loop index: Int, of loops: Int) -> Int {
        let loops = max(loops, 1)
        let total = max(total, 0)
        return max(1, total / loops + (index < total % loops ? 1 : 0))
    }

    /// Connections, idle connections and waiting requests now (tests and metrics).
    var stats: UpstreamStats {
        UpstreamStats(connections: openCount, idle: idle.count, waiting: waiters.count)
    }

    /// Asks for a connection for `exchange`.
    func lease(for exchange: any UpstreamExchange) -> Lease {
        while let connection = idle.popLast() {
            if connection.isOpen { return .ready(connection) }
        }
        if openCount < maxConnections {
            waiters.append(exchange)
            connect()
            return .connecting
        }
        guard waiters.count < settings.maxWaitingRequests else { return .busy }
        waiters.append(exchange)
        return .waiting
    }

    /// Withdraws a waiting exchange (its deadline passed or its client went away).
    func cancel(_ exchange: any UpstreamExchange) {
        if let index = waiters.firstIndex(where: { $0 === exchange }) {
            waiters.remove(at: index)
        }
    }

    /// Takes a connection back after an exchange; it is reused only when `reusable`.
    func release(_ connection: UpstreamConnection, reusable: Bool) {
        connection.detach()
        guard reusable, connection.isOpen else {
            connection.close()
            return
        }
        park(connection)
    }

    /// Closes connections idle for longer than `idleTimeout`.
    func evictIdle(now: NIODeadline) {
        let cutoff = now - .nanoseconds(settings.idleTimeout.nanosecondsClamped)
        guard idle.contains(where: { $0.idleSince < cutoff || !$0.isOpen }) else { return }
        // Closing fires `connectionClosed` synchronously, which edits `idle`: close after removal.
        let expired = idle.filter { $0.idleSince < cutoff || !$0.isOpen }
        idle.removeAll { $0.idleSince < cutoff || !$0.isOpen }
        for connection in expired { connection.close() }
    }

    /// Stops reuse: a new snapshot replaced this pool (or the server is stopping). Idle
    /// connections close now, busy ones when their exchange ends; waiters are served.
    func retire() {
        isRetired = true
        let idle = self.idle
        self.idle = []
        for connection in idle { connection.close() }
    }

    // MARK: Connection lifecycle (called by UpstreamConnection and the connect future)

    func connectionEstablished(_ connection: UpstreamConnection) {
        park(connection)
    }

    /// Hands a free connection to the oldest waiter, or keeps it idle. A retired pool still serves
    /// its waiters (their plans came from its snapshot) but keeps nothing idle.
    private func park(_ connection: UpstreamConnection) {
        if let waiter = waiters.popFirst() {
            waiter.upstreamConnectionReady(connection)
        } else if isRetired {
            connection.close()
        } else {
            connection.idleSince = .now()
            idle.append(connection)
        }
    }

    func connectionClosed(_ connection: UpstreamConnection) {
        openCount -= 1
        if let index = idle.firstIndex(where: { $0 === connection }) {
            idle.remove(at: index)
        }
        if !waiters.isEmpty, openCount < maxConnections {
            connect()
        }
    }

    private func connectFailed(_ error: any Error) {
        openCount -= 1
        waiters.popFirst()?.upstreamFailed(.connectFailed(ConnectFailureReason.describe(error)))
        if !waiters.isEmpty, openCount < maxConnections {
            connect()
        }
    }

    private func connect() {
        openCount += 1
        let pool = NIOLoopBound(self, eventLoop: eventLoop)
        let future = ClientBootstrap(group: eventLoop)
            .connectTimeout(.nanoseconds(settings.connectTimeout.nanosecondsClamped))
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        UpstreamConnection(pool: pool.value, maxHeadBytes: Self.maxResponseHeadBytes))
                }
            }
            .connect(host: settings.host, port: settings.port)
        future.assumeIsolated().whenFailure { error in
            pool.value.connectFailed(error)
        }
    }
}

@available(*, unavailable)
extension UpstreamPool: Sendable {}

extension Duration {
    /// Whole nanoseconds, clamped to `Int64` (durations here are configuration, never overflowed).
    var nanosecondsClamped: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (sum, overflow2) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        return overflow2 ? .max : sum
    }
}
