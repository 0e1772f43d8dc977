import Glibc
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A real HTTP/1.1 upstream on 127.0.0.1 that records every request it receives.
///
/// Behaviour by path:
/// - `/arm-stale`: answers, then drops the next request on that connection;
/// - `/trickle/<n>`: n body bytes, 100 ms apart;
/// - `/slow/<ms>`: answers after a delay;
/// - `/close`: closes without answering;
/// - `/close-mid`: a head promising 100 bytes, 10 of them, then closes;
/// - `/chunked`: a chunked body; `/big/<n>`: n bytes; `/echo`: the request body;
/// - `/conn-close`: answers with `Connection: close`; `/status/<code>`: that status;
/// - anything else: 200 `ok` with `x-upstream-secret` and `x-upstream` headers.
final class TestUpstream: Sendable {
    /// One request as the upstream saw it.
    struct Received: Sendable {
        var method: String
        var target: String
        var version: HTTPVersion
        var headers: [(String, String)]
        var body: [UInt8]
        /// How many body parts the HTTP decoder delivered (about one per chunk of a chunked body).
        var bodyParts = 0
        var connection: Int

        func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }

        func headerValues(_ name: String) -> [String] {
            headers.filter { $0.0.lowercased() == name.lowercased() }.map(\.1)
        }
    }

    let channel: any Channel
    private let state: UpstreamState

    private init(channel: any Channel, state: UpstreamState) {
        self.channel = channel
        self.state = state
    }

    var port: Int { channel.localAddress?.port ?? 0 }
    var received: [Received] { state.received }
    var connectionCount: Int { state.connectionCount }
    var openConnectionCount: Int { state.openConnectionCount }

    static func start() async throws -> TestUpstream {
        let state = UpstreamState()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let id = state.newConnection()
                    channel.closeFuture.whenComplete { _ in state.connectionClosed() }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(UpstreamHandler(state: state, connection: id))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return TestUpstream(channel: channel, state: state)
    }

    func stop() async {
        try? await channel.close()
    }

    /// A port on 127.0.0.1 where nothing listens: a socket bound to it and never listening, kept
    /// for the life of the test process, so that no other test's listener is given the port (one
    /// bound then closed could be, and an "upstream down" test would reach a live server).
    static func closedPort() async throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw IOError(errnoCode: errno, reason: "socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                Glibc.bind(socket, generic, length) == 0 && getsockname(socket, generic, &length) == 0
            }
        }
        guard bound else {
            close(socket)
            throw IOError(errnoCode: errno, reason: "bind")
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// The upstream's shared record.
final class UpstreamState: Sendable {
    private let log = Mutex<[TestUpstream.Received]>([])
    private let connections = Mutex(0)
    private let closed = Mutex(0)

    var received: [TestUpstream.Received] { log.withLock { $0 } }
    var connectionCount: Int { connections.withLock { $0 } }
    /// Connections open now (accepted and not yet closed).
    var openConnectionCount: Int { connections.withLock { $0 } - closed.withLock { $0 } }

    func connectionClosed() {
        closed.withLock { $0 += 1 }
    }

    func newConnection() -> Int {
        connections.withLock { count in
            count += 1
            return count
        }
    }

    func append(_ request: TestUpstream.Received) {
        log.withLock { $0.append(request) }
    }
}
