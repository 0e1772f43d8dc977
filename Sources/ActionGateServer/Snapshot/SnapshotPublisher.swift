import NIOCore
import Synchronization

/// Holds the snapshot in force and hands new ones to every EventLoop.
///
/// The EventLoops each keep their own copy (in `LoopContext`), replaced through
/// `eventLoop.execute`: the hot path never takes a lock. The locked copy here is for readers off
/// the EventLoops (`/readyz`, the CLI).
final class SnapshotPublisher: Sendable {
    private let current: Mutex<GatewaySnapshot>
    let contexts: [NIOLoopBound<LoopContext>]

    init(snapshot: GatewaySnapshot, contexts: [NIOLoopBound<LoopContext>]) {
        self.current = Mutex(snapshot)
        self.contexts = contexts
    }

    var snapshot: GatewaySnapshot { current.withLock { $0 } }

    func publish(_ snapshot: GatewaySnapshot) {
        current.withLock { $0 = snapshot }
        for context in contexts {
            context.eventLoop.execute { context.value.install(snapshot) }
        }
    }
}
