import ActionGateCore
import ActionGateServer
import Testing

@Suite struct RejectionTests {
    /// Every reason the Gate can give reaches the client with its status and the JSON body.
    @Test(arguments: RejectionReason.allCases)
    func everyReasonGoesOverTheWire(_ reason: RejectionReason) async throws {
        try await GatewayHarness.with { gateway in
            let client = try await gateway.connect()
            try await client.send("GET /reject/\(reason.rawValue) HTTP/1.1\r\nHost: a\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.status == reason.status)
            #expect(response.header("content-type") == "application/json")
            #expect(response.header("cache-control") == "no-store")
            #expect(response.header("connection") == nil)
            // The record is written just after the response: the client can be faster.
            #expect(await gateway.eventually { !gateway.audit.all.isEmpty })
            let id = try #require(gateway.audit.all.first?.requestID)
            #expect(response.bodyText == "{\"error\":\"\(reason.rawValue)\",\"request_id\":\"\(id)\"}")
            if reason == .methodNotAllowed { #expect(response.header("allow") == "POST") }
            // No body was pending, so the connection stays usable.
            try await client.send("GET /next HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try await client.readResponse().status == 200)
            #expect(gateway.upstream.received.map(\.target) == ["/next"])
            await client.close()
        }
    }

    @Test func earlyRejectionWithAnUnreadBodyClosesTheConnection() async throws {
        try await GatewayHarness.with { gateway in
            let client = try await gateway.connect()
            try await client.send("POST /reject/forbidden HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\npartial")
            let response = try await client.readResponse()
            #expect(response.status == 403)
            #expect(response.header("connection") == "close")
            #expect(await client.waitForClose())
        }
    }

    @Test func earlyRejectionWhoseBodyArrivedKeepsTheConnection() async throws {
        try await GatewayHarness.with { gateway in
            let client = try await gateway.connect()
            try await client.send("POST /reject/forbidden HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello")
            let response = try await client.readResponse()
            #expect(response.status == 403)
            #expect(response.header("connection") == nil)
            try await client.send("GET /after HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try await client.readResponse().bodyText == "ok")
            #expect(gateway.upstream.received.map(\.target) == ["/after"])
            await client.close()
        }
    }

    @Test func bodyVerdictRejectionKeepsTheConnection() async throws {
        try await GatewayHarness.with { gateway in
            let client = try await gateway.connect()
            try await client.send("POST /body/100 HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\ndeny")
            #expect(try await client.readResponse().status == 403)
            try await client.send("POST /body/100 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nallow")
            #expect(try await client.readResponse().status == 200)
            #expect(gateway.upstream.received.map(\.body) == [Array("allow".utf8)])
            await client.close()
        }
    }

    @Test func rejectionToHEADHasNoBody() async throws {
        try await GatewayHarness.with { gateway in
            let client = try await gateway.connect()
            try await client.send(
                "HEAD /reject/forbidden HTTP/1.1\r\nHost: a\r\n\r\nGET /next HTTP/1.1\r\nHost: a\r\n\r\n")
            let head = try await client.readResponse(isHEAD: true)
            #expect(head.status == 403)
            #expect(head.body.isEmpty)
            #expect(try await client.readResponse().bodyText == "ok")
            await client.close()
        }
    }

    @Test func rejectionIsAudited() async throws {
        try await GatewayHarness.with { gateway in
            _ = try await gateway.roundTrip("GET /reject/unauthenticated?q=1 HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(await gateway.eventually { !gateway.audit.all.isEmpty })  // written just after the response
            let record = try #require(gateway.audit.all.first)
            #expect(record.method == "GET")
            #expect(record.target == "/reject/unauthenticated?q=1")
            #expect(record.status == 401)
            #expect(record.peer == "127.0.0.1")
            guard case .rejected(let rejection) = record.outcome else {
                Issue.record("expected a rejection, got \(record.outcome)")
                return
            }
            #expect(rejection.reason == .unauthenticated)
            #expect(rejection.detail == "test gate")
        }
    }
}
