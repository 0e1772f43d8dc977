import ActionGateCore

/// One EventLoop's handle on a configuration snapshot: what each request holds from its head to
/// its end.
///
/// A `GatewaySnapshot` is shared by every loop, so each copy of it per request took and later
/// dropped reference counts on the same objects from all loops at once — cache lines bouncing
/// between cores on every request. `LoopContext` wraps each snapshot it installs in one of these,
/// which only its own loop retains; a request keeps its snapshot alive through it, as before.
///
/// It also holds the loop's `SessionCache` for this snapshot's gate: sessions opened with this
/// snapshot's keys, dropped with it when a reload installs the next one.
final class LoopSnapshot {
    let snapshot: GatewaySnapshot
    let sessions = SessionCache()

    init(_ snapshot: GatewaySnapshot) {
        self.snapshot = snapshot
    }
}

@available(*, unavailable)
extension LoopSnapshot: Sendable {}
