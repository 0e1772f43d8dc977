import Logging
import NIOCore

/// Everything one EventLoop's connections share: the current snapshot with its upstream pools, the
/// request-id generator and the registry the deadline sweep walks.
///
/// Confined to its EventLoop, so the hot path reads the snapshot and pools without a lock. A new
/// snapshot arrives through `eventLoop.execute` (`GatewayServer.publish`).
final class LoopContext {
    let eventLoop: any EventLoop
    let limits: ServerLimits
    let counters: GatewayCounters
    let audit: any AuditSink
    let logger: Logger
    /// This loop's number among `eventLoopCount` (its share of each upstream's connections).
    private let loopIndex: Int
    private let eventLoopCount: Int
    /// The current snapshot, as this loop's requests hold it.
    private(set) var current: LoopSnapshot
    private var connections: [ClientConnectionHandler] = []
    private(set) var isQuiescing = false
    var requestIDs = RequestIDGenerator()
    /// The buffers of the last heads written, reused by the next request's (see `ReusableBuffer`).
    var upstreamRequestHeads = ReusableBuffer()
    var clientResponseHeads = ReusableBuffer()

    init(
        eventLoop: any EventLoop,
        loopIndex: Int,
        eventLoopCount: Int,
        limits: ServerLimits,
        counters: GatewayCounters,
        audit: any AuditSink,
        snapshot: GatewaySnapshot,
        logger: Logger
    ) {
        self.eventLoop = eventLoop
        self.loopIndex = loopIndex
        self.eventLoopCount = eventLoopCount
        self.limits = limits
        self.counters = counters
        self.audit = audit
        self.logger = logger
        self.current = LoopSnapshot(
            snapshot,
            pools: Self.pools(
                for: snapshot, reusing: [:], loopIndex: loopIndex, eventLoopCount: eventLoopCount, eventLoop: eventLoop)
        )
    }

    /// Makes `snapshot` current for requests that start from now on. Pools whose upstream settings
    /// did not change carry over; the others are retired (requests decided under the previous
    /// snapshot still finish through them).
    func install(_ snapshot: GatewaySnapshot) {
        let previous = current.pools
        let next = Self.pools(
            for: snapshot, reusing: previous, loopIndex: loopIndex, eventLoopCount: eventLoopCount, eventLoop: eventLoop
        )
        current = LoopSnapshot(snapshot, pools: next)
        for (name, pool) in previous where next[name] !== pool {
            pool.retire()
        }
    }

    /// The current snapshot's pools, by upstream name (tests and metrics).
    var upstreamStats: [String: UpstreamStats] {
        current.pools.mapValues(\.stats)
    }

    var connectionCount: Int { connections.count }

    // MARK: Connection registry

    func register(_ connection: ClientConnectionHandler) {
        connection.registryIndex = connections.count
        connections.append(connection)
        if isQuiescing { connection.quiesce() }
    }

    func unregister(_ connection: ClientConnectionHandler) {
        let index = connection.registryIndex
        guard index >= 0, index < connections.count, connections[index] === connection else { return }
        let last = connections.removeLast()
        if index < connections.count {
            connections[index] = last
            last.registryIndex = index
        }
        connection.registryIndex = -1
    }

    /// Fires overdue connection deadlines and evicts idle upstream connections.
    func sweep(now: NIODeadline) {
        for connection in connections where connection.deadline <= now {
            connection.deadlinePassed(now: now)
        }
        for pool in current.pools.values {
            pool.evictIdle(now: now)
        }
    }

    /// Graceful shutdown, first step: idle connections close, busy ones after their response.
    func quiesce() {
        isQuiescing = true
        for connection in connections {
            connection.quiesce()
        }
        for pool in current.pools.values {
            pool.retire()
        }
    }

    /// Graceful shutdown, last step: closes whatever is still open.
    func closeAll() {
        for connection in connections {
            connection.forceClose()
        }
    }

    private static func pools(
        for snapshot: GatewaySnapshot, reusing previous: [String: UpstreamPool], loopIndex: Int,
        eventLoopCount: Int, eventLoop: any EventLoop
    ) -> [String: UpstreamPool] {
        var next: [String: UpstreamPool] = [:]
        for (name, settings) in snapshot.upstreams {
            if let existing = previous[name], existing.settings == settings {
                next[name] = existing
            } else {
                next[name] = UpstreamPool(
                    settings: settings, loopIndex: loopIndex, eventLoopCount: eventLoopCount, eventLoop: eventLoop)
            }
        }
        return next
    }
}

@available(*, unavailable)
extension LoopContext: Sendable {}
