/// A moment's view of one upstream's pools, summed over EventLoops (metrics and tests).
public struct UpstreamStats: Sendable, Equatable {
    /// Connections open or being opened.
    public var connections: Int
    /// Of those, connections idle in the pool.
    public var idle: Int
    /// Requests waiting for a free connection.
    public var waiting: Int

    /// Creates stats.
    public init(connections: Int = 0, idle: Int = 0, waiting: Int = 0) {
        self.connections = connections
        self.idle = idle
        self.waiting = waiting
    }

    static func + (lhs: UpstreamStats, rhs: UpstreamStats) -> UpstreamStats {
        UpstreamStats(
            connections: lhs.connections + rhs.connections, idle: lhs.idle + rhs.idle,
            waiting: lhs.waiting + rhs.waiting
        )
    }
}
