import ActionGateCore
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// Binds the admin listener: HTTP/1.1 through NIO's server pipeline, routed by `AdminHandler`.
///
/// It shares the process with the data plane, so it is bounded (`AdminLimits`): a connection cap,
/// a deadline for each complete request (slow heads and bodies, idle keep-alive connections) and
/// for each response to leave, a body limit, and pipelined requests wait while earlier responses
/// are unread past the write buffer's high-water mark (they cannot pile responses up in memory).
enum AdminListener {
    static func bind(
        _ address: ListenAddress, routes: [AdminRoute], group: any EventLoopGroup, limits: AdminLimits = AdminLimits()
    ) async throws -> any Channel {
        let connections = OpenConnections()
        let pending = max(limits.maxPendingResponseBytes, 2)
        return try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(AcceptErrorLogger.backoffHandler())
                }
            }
            .childChannelOption(.writeBufferWaterMark, value: .init(low: pending / 2, high: pending))
            .childChannelInitializer { channel in
                guard connections.open(limit: limits.maxConnections) else { return channel.close() }
                channel.closeFuture.whenComplete { _ in connections.closed() }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(AdminHandler(routes: routes, limits: limits))
                }
            }
            .bind(host: address.host, port: address.port)
            .get()
    }
}

/// The admin connections open now, across event loops.
private final class OpenConnections: Sendable {
    private let count = Atomic(0)

    /// Counts a new connection; false (and not counted) when `limit` are open already.
    func open(limit: Int) -> Bool {
        var current = count.load(ordering: .relaxed)
        while current < limit {
            let (exchanged, original) = count.compareExchange(
                expected: current, desired: current + 1, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
        return false
    }

    func closed() {
        count.wrappingSubtract(1, ordering: .relaxed)
    }
}
