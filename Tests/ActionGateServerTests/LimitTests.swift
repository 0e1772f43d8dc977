import ActionGateCore
import ActionGateServer
import Testing

@Suite struct LimitTests {
    @Test func slowHeadersGet408WhileALegitimateRequestSucceeds() async throws {
        try await GatewayHarness.with(limits: .fast()) { gateway in
            let slow = try await gateway.connect()
            try await slow.send("GET / HTTP/1.1\r\nHost: a\r\nX-Slow: ")
            let legit = try await gateway.roundTrip("GET /legit HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(legit.status == 200)
            let response = try await slow.readResponse(timeout: .seconds(8))
            #expect(response.status == 408)
            #expect(response.bodyText.contains("request_timeout"))
            #expect(await slow.waitForClose())
            #expect(gateway.upstream.received.map(\.target) == ["/legit"])
        }
    }

    @Test func trickledHeadersStillTimeOut() async throws {
        try await GatewayHarness.with(limits: .fast(header: .milliseconds(400))) { gateway in
            let slow = try await gateway.connect()
            let started = ContinuousClock.now
            try await slow.send("GET / HTTP/1.1\r\nHost: a\r\n")
            var trickling = true
            while trickling, ContinuousClock.now - started < .seconds(3) {
                try? await slow.send("X: y\r\n")
                try await Task.sleep(for: .milliseconds(50))
                trickling = !slow.isClosedByPeer
            }
            #expect(slow.isClosedByPeer)
            #expect(try await slow.readResponse().status == 408)
        }
    }

    /// A pipelined head that stays incomplete is held to the header timeout, not the idle timeout,
    /// whether its first bytes were read ahead during an exchange or came later.
    @Test(arguments: [true, false])
    func pipelinedPartialHeadTimesOut(_ readAhead: Bool) async throws {
        // A header timeout a loaded machine cannot overrun while reading the first, complete head.
        let limits = ServerLimits.fast(header: .seconds(1), idle: .seconds(30))
        try await GatewayHarness.with(limits: limits) { gateway in
            let client = try await gateway.connect()
            try await client.send("GET /slow/300 HTTP/1.1\r\nHost: a\r\n\r\n")
            if readAhead {
                #expect(await gateway.eventually { gateway.upstream.received.count == 1 })
                try await client.send("GET /next HTTP/1.1\r\nHo")
                #expect(try await client.readResponse().bodyText == "slow")
            } else {
                #expect(try await client.readResponse().bodyText == "slow")
                try await client.send("GET /next HTTP/1.1\r\nHo")
            }
            let timedOut = try await client.readResponse(timeout: .seconds(8))
            #expect(timedOut.status == 408)
            #expect(gateway.upstream.received.map(\.target) == ["/slow/300"])
        }
    }

    /// The same for a partial head read ahead behind a complete pipelined request: it is timed from
    /// the end of that request's exchange (not left to the idle timeout).
    @Test func partialHeadBehindAReadAheadRequestTimesOut() async throws {
        let limits = ServerLimits.fast(header: .seconds(1), idle: .seconds(30))
        try await GatewayHarness.with(limits: limits) { gateway in
            let client = try await gateway.connect()
            try await client.send("GET /slow/300 HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(await gateway.eventually { gateway.upstream.received.count == 1 })
            try await client.send("GET /b HTTP/1.1\r\nHost: a\r\n\r\nGET /next HTTP/1.1\r\nHo")
            #expect(try await client.readResponse().bodyText == "slow")
            #expect(try await client.readResponse().status == 200)
            let timedOut = try await client.readResponse(timeout: .seconds(8))
            #expect(timedOut.status == 408)
            #expect(gateway.upstream.received.map(\.target) == ["/slow/300", "/b"])
        }
    }

    /// Requests read ahead whole leave no head behind: the connection then waits the idle timeout
    /// and closes without a response (no 408 for a head that never started).
    @Test func completeReadAheadRequestsLeaveNoHeaderTimer() async throws {
        let limits = ServerLimits.fast(header: .milliseconds(300), idle: .seconds(2))
        try await GatewayHarness.with(limits: limits) { gateway in
            let client = try await gateway.connect()
            try await client.send("GET /slow/300 HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(await gateway.eventually { gateway.upstream.received.count == 1 })
            // The idle timeout starts after the response to /b, so after this instant: a close
            // sooner than 2 s after it came from another timer (the header timeout's 300 ms).
            let beforeLast = ContinuousClock.now
            try await client.send("GET /b HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try await client.readResponse().bodyText == "slow")
            #expect(try await client.readResponse().status == 200)
            #expect(await client.waitForClose(timeout: .seconds(8)))
            let held = ContinuousClock.now - beforeLast
            #expect(held >= .milliseconds(1950), "held to the idle timeout, not the header timeout: \(held)")
            #expect(client.unread.isEmpty)
        }
    }

    @Test func silentNewConnectionIsClosedWithoutAResponse() async throws {
        try await GatewayHarness.with(limits: .fast()) { gateway in
            let silent = try await gateway.connect()
            #expect(await silent.waitForClose(timeout: .seconds(8)))
            #expect(silent.unread.isEmpty)
        }
    }

    @Test func idleKeepAliveConnectionIsClosedSilently() async throws {
        try await GatewayHarness.with(limits: .fast()) { gateway in
            let client = try await gateway.connect()
            try await client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try await client.readResponse().status == 200)
            #expect(await client.waitForClose(timeout: .seconds(8)))
            #expect(client.unread.isEmpty)
        }
    }

    @Test func slowBodyGets408() async throws {
        try await GatewayHarness.with(limits: .fast()) { gateway in
            let client = try await gateway.connect()
            try await client.send("POST /body/100 HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc")
            let response = try await client.readResponse(timeout: .seconds(8))
            #expect(response.status == 408)
            #expect(await client.waitForClose())
            #expect(gateway.upstream.received.isEmpty)
            #expect(gateway.server.counters.liveBodyBuffers == 0)
        }
    }

    @Test(arguments: ["/body/100", "/stream/100"])
    func oversizedChunkedBodyGets413AsItArrives(_ path: String) async throws {
        try await GatewayHarness.with { gateway in
            let client = try await gateway.connect()
            let chunk = String(repeating: "z", count: 60)
            try await client.send(
                "POST \(path) HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3c\r\n\(chunk)\r\n")
            try await client.send("3c\r\n\(chunk)\r\n")
            // No terminating chunk: the refusal cannot wait for the end of the body.
            let response = try await client.readResponse()
            #expect(response.status == 413)
            #expect(response.bodyText.contains("body_too_large"))
            #expect(await client.waitForClose())
            #expect(gateway.upstream.received.isEmpty)
            #expect(gateway.server.counters.bufferedBodyBytes == 0)
        }
    }

    /// A client still sending a refused body gets its 413 and a clean end of the response: the
    /// gateway closes only its sending side and reads on (discarding) instead of closing with
    /// unread bytes, which would make the kernel reset the connection and could destroy the 413
    /// before the client reads it. Once the client closes, so does the gateway.
    @Test func aRefusedUploadIsAnsweredWithALingeringClose() async throws {
        try await GatewayHarness.with { gateway in
            let client = try await gateway.connect()
            let chunk = String(repeating: "z", count: 200)
            try await client.send("POST /body/100 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n")
            try await client.send("c8\r\n\(chunk)\r\n")
            let response = try await client.readResponse()
            #expect(response.status == 413)
            #expect(response.header("connection") == "close")
            #expect(await client.waitForClose())  // the gateway's end of the response (FIN)
            // The upload goes on, as a browser's would: the gateway reads and drops it, no reset.
            for _ in 0..<20 {
                try await client.send("c8\r\n\(chunk)\r\n")
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(gateway.server.counters.openConnections == 1, "the gateway still reads the connection")
            #expect(client.unread.isEmpty, "nothing after the 413")
            await client.close()
            #expect(await gateway.eventually { gateway.server.counters.openConnections == 0 })
            #expect(gateway.upstream.received.isEmpty)
        }
    }

    /// A client that neither stops sending nor closes holds its connection for the linger time at
    /// most.
    @Test func lingeringEndsWithoutTheClient() async throws {
        try await GatewayHarness.with { gateway in
            let client = try await gateway.connect()
            try await client.send("POST /body/100 HTTP/1.1\r\nHost: a\r\nContent-Length: 101\r\n\r\n")
            #expect(try await client.readResponse().status == 413)
            #expect(gateway.server.counters.openConnections == 1)
            #expect(await gateway.eventually(timeout: .seconds(15)) { gateway.server.counters.openConnections == 0 })
            await client.close()
        }
    }

    @Test(arguments: ["/body/100", "/stream/100"])
    func declaredOversizedBodyGets413BeforeReading(_ path: String) async throws {
        try await GatewayHarness.with { gateway in
            let client = try await gateway.connect()
            try await client.send("POST \(path) HTTP/1.1\r\nHost: a\r\nContent-Length: 101\r\n\r\n")
            #expect(try await client.readResponse().status == 413)
            #expect(await client.waitForClose())
            #expect(gateway.upstream.connectionCount == 0)
        }
    }

    @Test func connectionsBeyondTheCapGet503() async throws {
        try await GatewayHarness.with(limits: ServerLimits(maxConnections: 2)) { gateway in
            let first = try await gateway.connect()
            let second = try await gateway.connect()
            #expect(await gateway.eventually { gateway.server.counters.openConnections == 2 })
            let third = try await gateway.connect()
            let response = try await third.readResponse()
            #expect(response.status == 503)
            #expect(response.bodyText.contains("overloaded"))
            #expect(await third.waitForClose())
            try await first.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try await first.readResponse().status == 200)
            await first.close()
            await second.close()
            #expect(await gateway.eventually { gateway.server.counters.openConnections == 0 })
        }
    }

    @Test func globalBodyBufferCapGets503() async throws {
        try await GatewayHarness.with(limits: ServerLimits(maxBufferedBodyBytes: 100)) { gateway in
            let holder = try await gateway.connect()
            try await holder.send(
                "POST /body/1000 HTTP/1.1\r\nHost: a\r\nContent-Length: 200\r\n\r\n" + String(repeating: "a", count: 80)
            )
            #expect(await gateway.eventually { gateway.server.counters.bufferedBodyBytes == 80 })
            let response = try await gateway.roundTrip(
                "POST /body/1000 HTTP/1.1\r\nHost: a\r\nContent-Length: 50\r\n\r\n" + String(repeating: "b", count: 50)
            )
            #expect(response.status == 503)
            #expect(response.bodyText.contains("overloaded"))
            await holder.close()
            #expect(await gateway.eventually { gateway.server.counters.bufferedBodyBytes == 0 })
            #expect(gateway.server.counters.liveBodyBuffers == 0)
        }
    }

    @Test func paddedHeadIsBoundedByRawBytes() async throws {
        try await GatewayHarness.with { gateway in
            let client = try await gateway.connect()
            try await client.send("GET / HTTP/1.1\r\nHost: a\r\nX-A:")
            for _ in 0..<10 {
                try? await client.send(String(repeating: " ", count: 4000))
            }
            try? await client.send("b\r\n\r\n")
            #expect(try await client.readResponse().status == 431)
            #expect(await gateway.eventually { !gateway.audit.all.isEmpty })  // written just after the response
            #expect(gateway.audit.all.first.map { "\($0.outcome)" }?.contains("without a complete head") == true)
        }
    }

    /// Idle keep-alive connections hold no body buffer: only a connection in the middle of a body
    /// does, and only until the body is done.
    @Test func idleKeepAliveConnectionsHoldNoBodyBuffer() async throws {
        // 1000 sequential exchanges take 25-75 s in a loaded parallel run: the default 60 s idle
        // timeout would close the first connections before the count below is taken.
        try await GatewayHarness.with(limits: ServerLimits(idleTimeout: .seconds(600))) { gateway in
            let counters = gateway.server.counters
            var clients: [RawConnection] = []
            for index in 0..<1000 {
                let client = try await gateway.connect()
                try await client.send("POST /body/4096 HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789")
                #expect(try await client.readResponse().status == 200, "request \(index)")
                clients.append(client)
            }
            #expect(counters.openConnections == 1000)
            // Each buffer is released just after its response is flushed: the client can be faster.
            #expect(await gateway.eventually { counters.liveBodyBuffers == 0 && counters.bufferedBodyBytes == 0 })

            let midBody = try await gateway.connect()
            try await midBody.send("POST /body/4096 HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n01234")
            #expect(await gateway.eventually { counters.liveBodyBuffers == 1 && counters.bufferedBodyBytes == 5 })
            try await midBody.send("56789")
            #expect(try await midBody.readResponse().status == 200)
            // The buffer is released right after the response is flushed.
            #expect(await gateway.eventually { counters.liveBodyBuffers == 0 && counters.bufferedBodyBytes == 0 })

            for client in clients + [midBody] { await client.close() }
            #expect(await gateway.eventually { counters.openConnections == 0 })
        }
    }
}
