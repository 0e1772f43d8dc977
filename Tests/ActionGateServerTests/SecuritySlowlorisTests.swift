import ActionGateCore
import ActionGateServer
import Testing

/// Slowloris against the real gateway: heads and bodies that trickle in get 408 `request_timeout`
/// within the configured timeout (1 s here) and are closed, while a legitimate request on another
/// connection is served meanwhile.
@Suite struct SecuritySlowlorisTests {
    static let fast = SecurityFixture.Options(headerTimeout: "1s", bodyTimeout: "1s", idleTimeout: "1s")
    static let legit = "GET /legit HTTP/1.1\r\nHost: app.example.com\r\n\r\n"

    struct Trickle: Sendable, CustomTestStringConvertible {
        var name: String
        /// Sent at once.
        var prefix: String
        /// Then `piece` bytes of this per `interval`, cycling, until the gateway closes.
        var drip: String
        var piece = 1
        var interval: Duration = .milliseconds(50)
        var testDescription: String { name }
    }

    static let trickles: [Trickle] = [
        Trickle(
            name: "head, a byte at a time", prefix: "",
            drip: "GET /x HTTP/1.1\r\nHost: app.example.com\r\nX-A: " + String(repeating: "a", count: 200)),
        Trickle(
            name: "endless header fields", prefix: "GET /x HTTP/1.1\r\nHost: app.example.com\r\n", drip: "X: y\r\n"),
        Trickle(
            name: "second head on a kept-alive connection", prefix: legit,
            drip: "GET /next HTTP/1.1\r\nHost: app.example.com\r\nX-Slow: " + String(repeating: "a", count: 200)),
        Trickle(
            name: "action body, a byte at a time",
            prefix: "POST /actions/echo HTTP/1.1\r\n\(SecurityFixture.browser)Content-Length: 1000\r\n\r\n", drip: "x"),
        Trickle(
            name: "chunked action body",
            prefix: "POST /actions/echo HTTP/1.1\r\n\(SecurityFixture.browser)Transfer-Encoding: chunked\r\n\r\n",
            drip: "1\r\nx\r\n"),
        Trickle(
            name: "streamed passthrough body",
            prefix: "POST /static/upload HTTP/1.1\r\nHost: app.example.com\r\nContent-Length: 1000\r\n\r\n", drip: "x"),
        Trickle(
            name: "endless chunk extension",
            prefix: "POST /actions/echo HTTP/1.1\r\n\(SecurityFixture.browser)Transfer-Encoding: chunked\r\n\r\n1;a=",
            drip: String(repeating: "e", count: 512), piece: 512, interval: .milliseconds(10)),
    ]

    @Test(arguments: trickles)
    func trickledRequestGets408(_ trickle: Trickle) async throws {
        try await SecurityFixture.with(Self.fast) { fixture in
            // Before the connect: every timer starts at the accept or later, so `elapsed` can only
            // be longer than the gateway's own measure, never shorter. (From after the connect, a
            // test resumed late would see a correct 408 as early; on loopback the connect itself
            // takes microseconds, so this loosens the lower bound by no more than that.)
            let started = ContinuousClock.now
            let slow = try await fixture.harness.connect()
            try await slow.send(trickle.prefix)
            let drip = Array(trickle.drip.utf8)
            let dripping = Task {
                var offset = 0
                while !slow.isClosedByPeer, !Task.isCancelled, ContinuousClock.now - started < .seconds(6) {
                    let end = min(offset + trickle.piece, drip.count)
                    try? await slow.send(bytes: Array(drip[offset..<end]))
                    offset = end == drip.count ? 0 : end
                    try? await Task.sleep(for: trickle.interval)
                }
            }
            let legit = try await fixture.harness.roundTrip(Self.legit)
            #expect(legit.status == 200)
            if trickle.prefix == Self.legit { #expect(try await slow.readResponse().status == 200) }
            let response = try await slow.readResponse(timeout: .seconds(5))
            let elapsed = ContinuousClock.now - started
            dripping.cancel()
            #expect(response.status == 408)
            #expect(response.bodyText.hasPrefix("{\"error\":\"request_timeout\""))
            #expect(response.header("connection") == "close")
            #expect(await slow.waitForClose())
            #expect(elapsed >= .milliseconds(900), "408 before the timeout: \(elapsed)")
            // The sweep runs every 250 ms; the rest is slack for a loaded CI machine.
            #expect(elapsed < .seconds(8), "408 long after the 1 s timeout: \(elapsed)")
            let targets = fixture.upstream.received.map(\.target)
            #expect(targets.allSatisfy { $0 == "/legit" })
            #expect(await fixture.harness.eventually { fixture.counters.liveBodyBuffers == 0 })
            #expect(fixture.counters.bufferedBodyBytes == 0)
            await slow.close()
            #expect(await fixture.harness.eventually { fixture.counters.openConnections == 0 })
        }
    }

    /// Connections that never finish a request are reclaimed by the gateway itself: partial heads
    /// and bodies get 408, silent and idle kept-alive connections are closed without a response.
    @Test func abandonedConnectionsAreReclaimed() async throws {
        try await SecurityFixture.with(Self.fast) { fixture in
            var silent: [RawConnection] = []
            var partial: [RawConnection] = []
            for index in 0..<40 {
                let connection = try await fixture.harness.connect()
                switch index % 4 {
                case 0:
                    silent.append(connection)
                case 1:
                    try await connection.send("GET /x HTTP/1.1\r\nHost: app.example.com\r\n")
                    partial.append(connection)
                case 2:
                    try await connection.send(
                        "POST /actions/echo HTTP/1.1\r\n\(SecurityFixture.browser)Content-Length: 10\r\n\r\n12345")
                    partial.append(connection)
                default:
                    try await connection.send(Self.legit)
                    #expect(try await connection.readResponse().status == 200)
                    silent.append(connection)
                }
            }
            #expect(await fixture.harness.eventually(timeout: .seconds(6)) { fixture.counters.openConnections == 0 })
            for connection in partial {
                #expect(try await connection.readResponse().status == 408)
            }
            for connection in silent { #expect(connection.unread.isEmpty) }
            // Released just after each 408 is written: the clients can be faster.
            #expect(await fixture.harness.eventually { fixture.counters.liveBodyBuffers == 0 })
            #expect(fixture.counters.bufferedBodyBytes == 0)
            for connection in silent + partial { await connection.close() }
            #expect(fixture.upstream.received.map(\.target) == Array(repeating: "/legit", count: 10))
        }
    }
}
