import NIOCore
import NIOPosix
import Testing

@testable import ActionGateServer

/// The pool on one EventLoop, so its per-loop share is the whole `max_connections`.
@Suite struct UpstreamPoolTests {
    static func withOneLoop(_ body: (any EventLoopGroup) async throws -> Void) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            try await body(group)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        try await group.shutdownGracefully()
    }

    /// `max_connections` is a total: the loops' shares add up to it (never more), differ by one at
    /// most, and each loop has at least one (so below one per loop the total is one per loop).
    @Test func loopSharesAddUpToTheConfiguredTotal() {
        for loops in 1...9 {
            for total in [1, 2, 3, 5, 7, 8, 9, 10, 17, 128, 100_000] {
                let shares = (0..<loops).map { UpstreamPool.share(of: total, loop: $0, of: loops) }
                #expect(shares.reduce(0, +) == max(total, loops), "\(total) over \(loops) loops: \(shares)")
                #expect(shares.allSatisfy { $0 >= 1 })
                #expect(shares.max()! - shares.min()! <= 1)
            }
        }
    }

    @Test func waitingRequestsGetTheNextFreeConnection() async throws {
        try await Self.withOneLoop { group in
            let tune: (inout UpstreamSettings) -> Void = {
                $0.maxConnections = 1
                $0.maxWaitingRequests = 1
            }
            try await GatewayHarness.with(upstream: tune, group: group) { gateway in
                let first = try await gateway.connect()
                try await first.send("GET /slow/4000 HTTP/1.1\r\nHost: a\r\n\r\n")
                #expect(await gateway.eventually { gateway.upstream.received.count == 1 })
                let second = try await gateway.connect()
                try await second.send("GET /queued HTTP/1.1\r\nHost: a\r\n\r\n")
                #expect(await gateway.eventually { await gateway.server.upstreamStats()["app"]?.waiting == 1 })
                let third = try await gateway.connect()
                try await third.send("GET /refused HTTP/1.1\r\nHost: a\r\n\r\n")
                let refused = try await third.readResponse()
                #expect(refused.status == 503)
                #expect(refused.bodyText.contains("upstream_busy"))
                #expect(try await first.readResponse().status == 200)
                #expect(try await second.readResponse().bodyText == "ok")
                #expect(gateway.upstream.received.map(\.target) == ["/slow/4000", "/queued"])
                #expect(gateway.upstream.connectionCount == 1)
                for client in [first, second, third] { await client.close() }
            }
        }
    }

    @Test func waitingPastTheRequestTimeoutIs503() async throws {
        try await Self.withOneLoop { group in
            let tune: (inout UpstreamSettings) -> Void = {
                $0.maxConnections = 1
                $0.requestTimeout = .seconds(1)
            }
            try await GatewayHarness.with(upstream: tune, group: group) { gateway in
                // A response that keeps making progress (a byte every 100 ms) holds the only
                // connection for 6 s, far past the waiter's 1 s even when timers run late under load.
                let first = try await gateway.connect()
                try await first.send("GET /trickle/60 HTTP/1.1\r\nHost: a\r\n\r\n")
                #expect(await gateway.eventually { gateway.upstream.received.count == 1 })
                let waiting = try await gateway.connect()
                try await waiting.send("GET /waits HTTP/1.1\r\nHost: a\r\n\r\n")
                let refused = try await waiting.readResponse()
                #expect(refused.status == 503)
                #expect(refused.bodyText.contains("upstream_busy"))
                #expect(try await first.readResponse(timeout: .seconds(15)).body.count == 60)
                #expect(gateway.upstream.received.map(\.target) == ["/trickle/60"])
                for client in [first, waiting] { await client.close() }
            }
        }
    }

    @Test func idleUpstreamConnectionsAreEvicted() async throws {
        try await GatewayHarness.with(upstream: { $0.idleTimeout = .milliseconds(100) }) { gateway in
            let first = try await gateway.roundTrip("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(first.status == 200)
            #expect(await gateway.eventually { await gateway.server.upstreamConnectionCounts()["app"] == 0 })
            let second = try await gateway.roundTrip("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(second.status == 200)
            #expect(gateway.upstream.connectionCount == 2)
        }
    }
}
