import NIOCore
import NIOHTTP1
import NIOPosix

/// `actiongate-bench relay tcp|http LISTEN_PORT UPSTREAM_PORT`: the floors under the gateway's data
/// plane, served on 127.0.0.1 until killed, for `bench/run.sh --floors` (docs/benchmarks.md).
///
/// - `tcp`: each client connection gets its own upstream connection and bytes are copied both ways,
///   unparsed — the least a SwiftNIO proxy can do per request.
/// - `http`: the same pairing with NIO's HTTP/1 codecs on both sides (decode, re-encode), no checks —
///   what any NIO-based HTTP proxy pays before its own work.
///
/// One EventLoop per core, like the gateway.
enum RelayBenchmark {
    enum Mode: String {
        case tcp
        case http
    }

    static func run(_ arguments: [String]) throws {
        guard arguments.count == 3, let mode = Mode(rawValue: arguments[0]), let listen = Int(arguments[1]),
            let upstream = Int(arguments[2])
        else {
            throw BenchmarkFailure("usage: actiongate-bench relay tcp|http LISTEN_PORT UPSTREAM_PORT")
        }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let server = try ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.autoRead, value: false)
            .childChannelInitializer { channel in
                switch mode {
                case .tcp: pairBytes(channel, upstreamPort: upstream)
                case .http: pairHTTP(channel, upstreamPort: upstream)
                }
            }
            .bind(host: "127.0.0.1", port: listen)
            .wait()
        print("actiongate-bench relay \(mode.rawValue): 127.0.0.1:\(listen) -> 127.0.0.1:\(upstream)")
        try server.closeFuture.wait()
    }

    /// Connects the client channel's own upstream connection, then starts reading the client (it
    /// does not read before: `autoRead` is off until the pair is complete).
    private static func pairBytes(_ client: any Channel, upstreamPort: Int) -> EventLoopFuture<Void> {
        let loop = client.eventLoop
        let mine = NIOLoopBound(ByteRelayHandler(), eventLoop: loop)
        return connect(on: loop, port: upstreamPort) { upstream in
            let theirs = ByteRelayHandler()
            theirs.partner = mine.value
            mine.value.partner = theirs
            try upstream.pipeline.syncOperations.addHandler(theirs)
        }.flatMapThrowing { _ in
            try client.pipeline.syncOperations.addHandler(mine.value)
            try client.syncOptions?.setOption(.autoRead, value: true)
        }
    }

    private static func pairHTTP(_ client: any Channel, upstreamPort: Int) -> EventLoopFuture<Void> {
        let loop = client.eventLoop
        let relay = NIOLoopBound(HTTPRelayHandler(), eventLoop: loop)
        return connect(on: loop, port: upstreamPort) { upstream in
            try upstream.pipeline.syncOperations.addHTTPClientHandlers()
            try upstream.pipeline.syncOperations.addHandler(HTTPRelayResponseHandler(client: relay.value))
        }.flatMapThrowing { upstream in
            relay.value.upstream = upstream
            try client.pipeline.syncOperations.configureHTTPServerPipeline(
                withPipeliningAssistance: false, withErrorHandling: false)
            try client.pipeline.syncOperations.addHandler(relay.value)
            try client.syncOptions?.setOption(.autoRead, value: true)
        }
    }

    private static func connect(
        on loop: any EventLoop, port: Int, _ initialize: @escaping @Sendable (any Channel) throws -> Void
    ) -> EventLoopFuture<any Channel> {
        ClientBootstrap(group: loop)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in channel.eventLoop.makeCompletedFuture { try initialize(channel) } }
            .connect(host: "127.0.0.1", port: port)
    }
}
