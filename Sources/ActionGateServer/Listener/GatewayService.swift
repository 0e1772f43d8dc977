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

    /// Waits for graceful shutdown or cancellation, then shuts the server down.
    public func run() async throws {
        do {
            try await gracefulShutdown()
            await server.shutdown()
        } catch {
            await server.shutdown(gracePeriod: .zero)
        }
    }
}
