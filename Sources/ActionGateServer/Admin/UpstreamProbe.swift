import NIOCore
import NIOPosix
import Synchronization

/// Answers "is at least one upstream reachable?" for `/readyz` with a TCP connect, caching the
/// answer for a few seconds so probes cannot turn into a connection flood against the upstreams.
final class UpstreamProbe: Sendable {
    private let group: any EventLoopGroup
    private let cacheDuration: Duration
    private let connectTimeout: TimeAmount
    private let cache = Mutex<(at: ContinuousClock.Instant, reachable: Bool)?>(nil)

    init(group: any EventLoopGroup, cacheDuration: Duration = .seconds(3), connectTimeout: TimeAmount = .seconds(1)) {
        self.group = group
        self.cacheDuration = cacheDuration
        self.connectTimeout = connectTimeout
    }

    /// True when a TCP connection to any of `upstreams` succeeds (or did, within the cache time).
    func anyReachable(_ upstreams: [UpstreamSettings]) async -> Bool {
        let now = ContinuousClock.now
        if let cached = cache.withLock({ $0 }), now - cached.at < cacheDuration {
            return cached.reachable
        }
        let reachable = await withTaskGroup(of: Bool.self) { tasks in
            for upstream in upstreams {
                tasks.addTask { await self.connects(to: upstream) }
            }
            for await result in tasks where result {
                tasks.cancelAll()
                return true
            }
            return false
        }
        cache.withLock { $0 = (now, reachable) }
        return reachable
    }

    private func connects(to upstream: UpstreamSettings) async -> Bool {
        do {
            let channel = try await ClientBootstrap(group: group)
                .connectTimeout(connectTimeout)
                .connect(host: upstream.host, port: upstream.port)
                .get()
            try? await channel.close()
            return true
        } catch {
            return false
        }
    }
}
