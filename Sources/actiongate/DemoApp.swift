import ActionGateCore
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

/// The demo's sample action handler: a small HTTP/1.1 server on its own loopback port, reached only
/// through the gateway.
///
/// As a `Service` it serves until graceful shutdown, then closes its listener and every
/// connection (the gateway, shut down first, has no request in flight by then).
final class DemoApp: Service, Sendable {
    typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    /// The largest request body the app reads (the gateway's own limits are far stricter per action).
    static let maximumBody = 64 << 10

    /// The port the app listens on, on 127.0.0.1.
    let port: Int
    private let listener: NIOAsyncChannel<Connection, Never>
    private let router: DemoAppRouter

    private init(listener: NIOAsyncChannel<Connection, Never>, port: Int, router: DemoAppRouter) {
        self.listener = listener
        self.port = port
        self.router = router
    }

    /// Binds 127.0.0.1 on a free port; `run()` then serves.
    static func start(router: DemoAppRouter) async throws -> DemoApp {
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
        guard let port = listener.channel.localAddress?.port else {
            try? await listener.channel.close()
            throw DemoError("the sample app's listener has no port")
        }
        return DemoApp(listener: listener, port: port, router: router)
    }

    /// Serves connections until graceful shutdown or cancellation.
    func run() async throws {
        try await withGracefulShutdownHandler {
            try await listener.executeThenClose { inbound in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await connection in inbound {
                        group.addTask {
                            // Keep-alive connections from the gateway's pool end with the demo.
                            await cancelWhenGracefulShutdown { await self.serve(connection) }
                        }
                    }
                }
            }
        } onGracefulShutdown: {
            self.listener.channel.close(promise: nil)
        }
    }

    /// Closes the listener without serving (startup failed before `run`).
    func close() async {
        try? await listener.channel.close()
    }

    /// Answers the requests of one connection, one after another.
    private func serve(_ connection: Connection) async {
        try? await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var body: [UInt8] = []
            for try await part in inbound {
                switch part {
                case .head(let next):
                    head = next
                    body = []
                case .body(let buffer):
                    guard body.count + buffer.readableBytes <= Self.maximumBody else {
                        try await write(.text(413, "too large"), keepAlive: false, to: outbound)
                        return
                    }
                    body.append(contentsOf: buffer.readableBytesView)
                case .end:
                    guard let request = head else { return }
                    let headers = HeaderFields(request.headers.map { ($0.name, $0.value) })
                    let response = await router.respond(
                        to: DemoRequest(
                            method: request.method.rawValue, target: request.uri, headers: headers, body: body))
                    try await write(
                        response, keepAlive: request.isKeepAlive, withBody: request.method != .HEAD, to: outbound)
                    guard request.isKeepAlive else { return }
                    head = nil
                }
            }
        }
    }

    /// Writes `response`; a HEAD response keeps the GET's `Content-Length` but sends no body.
    private func write(
        _ response: DemoResponse, keepAlive: Bool, withBody: Bool = true,
        to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    ) async throws {
        var headers = HTTPHeaders(response.headers)
        headers.replaceOrAdd(name: "Content-Length", value: String(response.body.count))
        if !keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
        let head = HTTPResponseHead(version: .http1_1, status: .init(statusCode: response.status), headers: headers)
        var parts: [HTTPServerResponsePart] = [.head(head)]
        if withBody, !response.body.isEmpty { parts.append(.body(.byteBuffer(ByteBuffer(bytes: response.body)))) }
        parts.append(.end(nil))
        try await outbound.write(contentsOf: parts)
    }
}
