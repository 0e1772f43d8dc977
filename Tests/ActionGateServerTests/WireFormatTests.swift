import ActionGateCore
import NIOCore
import NIOHTTP1
import Testing

@testable import ActionGateServer

@Suite struct WireFormatTests {
    @Test func requestIDsAreShortURLSafeAndUnique() {
        var generator = RequestIDGenerator()
        var other = RequestIDGenerator()
        let ids = (0..<10_000).map { _ in generator.next() }
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.utf8.count == 15 })
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        #expect(ids.allSatisfy { $0.utf8.allSatisfy(allowed.contains) })
        #expect(other.next().prefix(8) != ids[0].prefix(8))
    }

    @Test func responseHeadDropsFramingAndUnsafeFields() {
        let headers = HeaderFields([
            ("Content-Type", "text/plain"), ("Content-Length", "999"), ("Transfer-Encoding", "chunked"),
            ("Connection", "keep-alive"), ("Keep-Alive", "timeout=5"), ("X-Injected", "a\r\nSet-Cookie: x=1"),
            ("Bad Name", "v"), ("X-Ok", "fine"),
        ])
        var buffer = ByteBuffer()
        ResponseHeadWriter.write(
            status: 200, headers: headers, framing: .contentLength(5), close: true, keepAliveForHTTP10: false,
            into: &buffer
        )
        let text = String(buffer: buffer)
        #expect(
            text == "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Ok: fine\r\ncontent-length: 5\r\n"
                + "connection: close\r\n\r\n"
        )
    }

    struct Relay: Sendable {
        var status: Int
        var isHEAD = false
        var length: Int?
        var http10 = false
        var expected: ResponseBodyFraming
    }

    @Test(arguments: [
        Relay(status: 200, length: 5, expected: .contentLength(5)),
        Relay(status: 200, expected: .chunked),
        Relay(status: 200, http10: true, expected: .untilClose),
        Relay(status: 200, isHEAD: true, length: 5, expected: .none(advertisedLength: 5)),
        Relay(status: 304, length: 5, expected: .none(advertisedLength: 5)),
        Relay(status: 204, length: 5, expected: .none(advertisedLength: nil)),
    ])
    func relayFraming(_ relay: Relay) {
        let framing = ResponseBodyFraming.forRelay(
            status: relay.status, isHEAD: relay.isHEAD, upstreamLength: relay.length, clientIsHTTP10: relay.http10
        )
        #expect(framing == relay.expected)
    }

    @Test func upstreamHeadIsReframedByTheGateway() {
        let plan = ForwardPlan(
            upstream: "app", method: "POST", target: "/x?y=1",
            headers: HeaderFields([
                ("Host", "app.test"), ("Content-Length", "1"), ("Transfer-Encoding", "chunked"),
                ("Connection", "close"),
                ("Upgrade", "h2c"), ("Expect", "100-continue"), ("TE", "trailers"), ("X-Keep", "1"),
            ]),
            body: .buffered(Array("abc".utf8)),
            response: ResponseRules(isAction: true),
            audit: AuditFacts(routeMode: "actions", route: "/", clientAddress: "127.0.0.1")
        )
        let framing = UpstreamRequestHead.framing(for: plan.body, method: plan.method, streamLength: nil)
        #expect(framing == .contentLength(3))
        var head = ByteBuffer()
        UpstreamRequestHead.write(
            plan: plan, framing: framing, upstream: UpstreamSettings(host: "127.0.0.1", port: 3000), into: &head)
        #expect(
            String(buffer: head)
                == "POST /x?y=1 HTTP/1.1\r\nHost: app.test\r\nX-Keep: 1\r\ncontent-length: 3\r\n\r\n")

        var noHost = plan
        noHost.headers = HeaderFields([("X-Bad", "a\r\nInjected: 1"), ("Bad Name", "x"), ("X-Ok", "\t2 ")])
        noHost.body = .none
        var bare = ByteBuffer()
        UpstreamRequestHead.write(
            plan: noHost, framing: .contentLength(0), upstream: UpstreamSettings(host: "::1", port: 3000), into: &bare)
        #expect(
            String(buffer: bare)
                == "POST /x?y=1 HTTP/1.1\r\nX-Ok: \t2 \r\nhost: [::1]:3000\r\ncontent-length: 0\r\n\r\n")
        var chunked = ByteBuffer()
        noHost.headers = HeaderFields([("hOsT", "a.test")])
        UpstreamRequestHead.write(
            plan: noHost, framing: .chunked, upstream: UpstreamSettings(host: "::1", port: 3000), into: &chunked)
        #expect(String(buffer: chunked) == "POST /x?y=1 HTTP/1.1\r\nhOsT: a.test\r\ntransfer-encoding: chunked\r\n\r\n")
        #expect(UpstreamRequestHead.framing(for: .none, method: "GET", streamLength: nil) == .none)
        #expect(UpstreamRequestHead.framing(for: .stream(limit: 9), method: "PUT", streamLength: nil) == .chunked)
        #expect(
            UpstreamRequestHead.framing(for: .stream(limit: 9), method: "PUT", streamLength: 4) == .contentLength(4))
    }

    @Test(arguments: [
        ("GET", "/a?b=c", true), ("GET", "/a b", false), ("GET", "/a\r\nX: y", false), ("GET", "http://x/", false),
        ("G ET", "/", false), ("", "/", false), ("PATCH", "/%00", true), ("GET", "/\u{7F}", false),
        ("CONNECT", "/", false),
    ])
    func requestLineCannotBeSplit(_ method: String, _ target: String, _ sendable: Bool) {
        #expect(UpstreamRequestHead.isSendable(method: method, target: target) == sendable)
    }

    @Test func rejectionBodyAndHeaders() {
        var buffer = ByteBuffer()
        let rejection = Rejection(
            .methodNotAllowed, headers: HeaderFields([("Allow", "POST")]), detail: "secret detail")
        RejectionResponse.write(
            rejection, requestID: "abc", isHEAD: false, close: false, keepAliveForHTTP10: true, into: &buffer
        )
        let text = String(buffer: buffer)
        let body = "{\"error\":\"method_not_allowed\",\"request_id\":\"abc\"}"
        #expect(text.hasPrefix("HTTP/1.1 405 Method Not Allowed\r\nAllow: POST\r\ncontent-type: application/json\r\n"))
        #expect(
            text.contains("cache-control: no-store\r\ncontent-length: \(body.utf8.count)\r\nconnection: keep-alive\r\n")
        )
        #expect(text.hasSuffix("\r\n\r\n" + body))
        #expect(!text.contains("secret"))
    }
}
