import Synchronization

/// Gauges the data plane keeps across EventLoops: open connections and buffered request bodies.
///
/// Each update is one relaxed atomic operation (no lock). The buffered-body gauge enforces
/// `ServerLimits.maxBufferedBodyBytes`; the others are for metrics and for tests that assert idle
/// connections hold no body buffer.
public final class GatewayCounters: Sendable {
    private let connections = Atomic<Int>(0)
    private let bodyBytes = Atomic<Int>(0)
    private let bodyBuffers = Atomic<Int>(0)
    private let bodyByteCap: Int

    init(maxBufferedBodyBytes: Int) {
        self.bodyByteCap = maxBufferedBodyBytes
    }

    /// Client connections open now (including ones being refused for the connection cap).
    public var openConnections: Int { connections.load(ordering: .relaxed) }
    /// Request-body bytes buffered for the Gate now, across all connections.
    public var bufferedBodyBytes: Int { bodyBytes.load(ordering: .relaxed) }
    /// Request-body buffers allocated now; an idle connection holds none.
    public var liveBodyBuffers: Int { bodyBuffers.load(ordering: .relaxed) }

    /// Counts a new connection and returns how many are open including it.
    func connectionOpened() -> Int {
        connections.wrappingAdd(1, ordering: .relaxed).newValue
    }

    func connectionClosed() {
        connections.wrappingSubtract(1, ordering: .relaxed)
    }

    /// Reserves `count` body bytes; false (and nothing reserved) when the global cap would be crossed.
    func reserveBodyBytes(_ count: Int) -> Bool {
        let total = bodyBytes.wrappingAdd(count, ordering: .relaxed).newValue
        if total > bodyByteCap {
            bodyBytes.wrappingSubtract(count, ordering: .relaxed)
            return false
        }
        return true
    }

    func releaseBodyBytes(_ count: Int) {
        bodyBytes.wrappingSubtract(count, ordering: .relaxed)
    }

    func bodyBufferAllocated() {
        bodyBuffers.wrappingAdd(1, ordering: .relaxed)
    }

    func bodyBufferReleased() {
        bodyBuffers.wrappingSubtract(1, ordering: .relaxed)
    }
}
