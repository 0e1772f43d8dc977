import ActionGateCore
import NIOCore
import NIOHTTP1
import NIOPosix

/// Binds the admin listener: HTTP/1.1 through NIO's server pipeline, routed by `AdminHandler`.
enum AdminListener {
    /// Largest admin request body (e.g. a `/v1/seal` request); beyond it 413.
    static let maxBodyBytes = 64 * 1024

    static func bind(_ address: ListenAddress, routes: [AdminRoute], group: any EventLoopGroup) async throws
        -> any Channel
    {
        try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(
                        AdminHandler(routes: routes, maxBodyBytes: maxBodyBytes))
                }
            }
            .bind(host: address.host, port: address.port)
            .get()
    }
}
