import ActionGateCore

/// One EventLoop's handle on a configuration snapshot: what each request holds from its head to
/// its end.
///
/// A `GatewaySnapshot` is shared by every loop, so each copy of it per request took and later
/// dropped reference counts on the same objects from all loops at once — cache lines bouncing
/// between cores on every request. `LoopContext` wraps each snapshot it installs in one of these,
/// which only its own loop retains; a request keeps its snapshot alive through it, as before.
///
/// It also holds the loop's `SessionCache` for this snapshot's gate (sessions opened with this
/// snapshot's keys, dropped with it when a reload installs the next one) and the loop's pools for
/// this snapshot's upstream table: a request decided under this snapshot is sent to the upstream
/// its table names, even when a reload has changed or removed that upstream meanwhile (the
/// replaced pool is retired: it still serves such requests but keeps no idle connection).
final class LoopSnapshot {
    let snapshot: GatewaySnapshot
    let sessions = SessionCache()
    /// This loop's pool for each upstream of `snapshot.upstreams`.
    let pools: [String: UpstreamPool]

    init(_ snapshot: GatewaySnapshot, pools: [String: UpstreamPool]) {
        self.snapshot = snapshot
        self.pools = pools
    }
}

@available(*, unavailable)
extension LoopSnapshot: Sendable {}
