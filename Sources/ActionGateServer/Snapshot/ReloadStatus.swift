import Synchronization

/// Whether the snapshot in force came from the latest configuration files (`/readyz` reads it).
///
/// After a failed reload the previous snapshot keeps serving, but the gateway reports not ready
/// until a load succeeds: an operator must notice that a change (e.g. a key retirement) did not
/// take.
public final class ReloadStatus: Sendable {
    /// One observation of the status.
    public struct State: Sendable, Equatable {
        /// Successful loads so far (the initial snapshot counts as 0).
        public var generation: Int
        /// Why the last load failed; `nil` when it succeeded.
        public var lastError: String?
        /// Failed loads so far.
        public var failures: Int
    }

    private let state = Mutex(State(generation: 0, lastError: nil, failures: 0))

    /// Creates a status for an initial snapshot that loaded fine.
    public init() {}

    /// The current status.
    public var current: State { state.withLock { $0 } }

    /// True unless the last load failed.
    public var isCurrent: Bool { current.lastError == nil }

    func loadSucceeded() {
        state.withLock {
            $0.generation += 1
            $0.lastError = nil
        }
    }

    func loadFailed(_ reason: String) {
        state.withLock {
            $0.failures += 1
            $0.lastError = reason
        }
    }
}
