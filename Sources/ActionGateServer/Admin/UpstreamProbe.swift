import NIOCore
import NIOPosix
import Synchronization

/// Answers "is at least one upstream reachable?" for `/readyz` with a TCP connect, caching the
/// answer for a few seconds so probes cannot turn into a connection flood against the upstreams:
/// callers that arrive while a probe runs wait for that probe instead of starting their own, and
/// the answer counts as fresh from the moment the probe ended.
final class UpstreamProbe: Sendable {
    private let group: any EventLoopGroup
    private let cacheDuration: Duration
    private let connectTimeout: TimeAmount
    private let state = Mutex<State>(.unknown)

    private enum State {
        case unknown
        case probing(Task<Bool, Never>)
        case known(at: ContinuousClock.Instant, reachable: Bool)
    }

    init(group: any EventLoopGroup, cacheDuration: Duration = .seconds(3), connectTimeout: TimeAmount = .seconds(1)) {
        self.group = group
        self.cacheDuration = cacheDuration
        self.connectTimeout = connectTimeout
    }

    /// True when a TCP connection to any of `upstreams` succeeds (or did, within the cache time).
    func anyReachable(_ upstreams: [UpstreamSettings]) async -> Bool {
        let now = ContinuousClock.now
        let answer: Answer = state.withLock { state in
            switch state {
            case .known(let at, let reachable) where now - at < cacheDuration:
                return .known(reachable)
            case .probing(let running):
                return .pending(running)
            case .known, .unknown:
                let started = Task { await self.probe(upstreams) }
                state = .probing(started)
                return .pending(started)
            }
        }
        switch answer {
        case .known(let reachable): return reachable
        case .pending(let probe): return await probe.value
        }
    }

    private enum Answer {
        case known(Bool)
        case pending(Task<Bool, Never>)
    }

    private func probe(_ upstreams: [UpstreamSettings]) async -> Bool {
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
        state.withLock { $0 = .known(at: ContinuousClock.now, reachable: reachable) }
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
