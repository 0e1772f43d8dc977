import Synchronization

/// Set once a graceful shutdown starts, so `/readyz` answers 503 while in-flight requests finish:
/// a load balancer then stops sending new requests to a gateway that is about to close.
///
/// A class so the server (which sets it) and the readiness check (which reads it) share one flag.
final class DrainingFlag: Sendable {
    private let draining = Atomic(false)

    /// Marks the gateway as shutting down; returns true the first time only.
    func start() -> Bool {
        !draining.exchange(true, ordering: .acquiringAndReleasing)
    }

    var isDraining: Bool { draining.load(ordering: .acquiring) }
}
