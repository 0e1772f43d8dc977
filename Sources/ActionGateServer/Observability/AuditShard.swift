import Synchronization

/// One thread's pending audit lines.
///
/// Each EventLoop thread appends to its own shard, so the only lock it takes is its own, and that
/// lock is contended only for the moment the writer thread swaps the buffer out.
final class AuditShard: Sendable {
    struct State {
        /// Encoded lines not yet handed to the writer.
        var bytes: [UInt8] = []
        /// Lines in `bytes` (to count them as dropped if the write fails).
        var lines = 0
        /// The writer was woken for this batch already.
        var wokeWriter = false
    }

    let state = Mutex(State())

    /// Takes the pending lines, leaving `spare` (emptied, capacity kept) in their place.
    ///
    /// - Returns: the number of lines now in `spare`.
    func take(into spare: inout [UInt8]) -> Int {
        spare.removeAll(keepingCapacity: true)
        return state.withLock { state in
            swap(&state.bytes, &spare)
            defer {
                state.lines = 0
                state.wokeWriter = false
            }
            return state.lines
        }
    }
}
