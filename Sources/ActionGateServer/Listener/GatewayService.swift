import ServiceLifecycle

/// The gateway as a swift-service-lifecycle `Service`: it serves until graceful shutdown, then
/// stops accepting and lets in-flight requests finish within `shutdownGracePeriod`. On
/// cancellation it closes everything at once.
public struct GatewayService: Service {
    /// The running server this service stops.
    public let server: GatewayServer

    /// Wraps a started server.
    public init(server: GatewayServer) {
        self.server = server
    }

    /// Waits for graceful shutdown or cancellation, then shuts the server down. A listener that
    /// closes meanwhile ends it too (after a graceful shutdown of the rest) with `ListenerClosed`.
    public func run() async throws {
        let server = self.server
        let closed: ListenerClosed?
        do {
            closed = try await withThrowingTaskGroup(of: ListenerClosed?.self) { group in
                group.addTask {
                    try await gracefulShutdown()
                    return nil
                }
                group.addTask { try await server.firstListenerClosed() }
                defer { group.cancelAll() }
                return try await group.next() ?? nil
            }
        } catch {
            await server.shutdown(gracePeriod: .zero)
            return
        }
        guard let closed else {
            await server.shutdown()
            return
        }
        server.logger.error("\(closed.description)")
        // The other connections are healthy: they finish within the grace period as at SIGTERM.
        await server.shutdown()
        throw closed
    }
}
