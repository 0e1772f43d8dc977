import NIOCore
import NIOHTTP1

/// The test upstream's per-connection handler (see `TestUpstream` for the behaviours).
final class UpstreamHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let state: UpstreamState
    private let connection: Int
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    /// Set by `/arm-stale`: the next request on this connection is dropped, like a keep-alive
    /// connection the upstream closes just as the gateway reuses it.
    private var armedStale = false
    private var bodyParts = 0

    init(state: UpstreamState, connection: Int) {
        self.state = state
        self.connection = connection
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = []
            bodyParts = 0
        case .body(let part):
            body.append(contentsOf: part.readableBytesView)
            bodyParts += 1
        case .end:
            guard let head else { return }
            state.append(
                TestUpstream.Received(
                    method: head.method.rawValue, target: head.uri, version: head.version,
                    headers: head.headers.map { ($0.name, $0.value) }, body: body, bodyParts: bodyParts,
                    connection: connection
                )
            )
            respond(to: head, context: context)
        }
    }

    private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = head.uri
        let last = path.split(separator: "/").last.map(String.init) ?? ""
        if armedStale {
            context.close(promise: nil)
        } else if path.hasPrefix("/arm-stale") {
            armedStale = true
            send(status: .ok, body: "armed", context: context)
        } else if path.hasPrefix("/trickle/") {
            trickle(count: Int(last) ?? 1, context: context)
        } else if path.hasPrefix("/slow/") {
            let delay = Int64(last) ?? 100
            context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(delay)) {
                self.send(status: .ok, body: "slow", context: context)
            }
        } else if path.hasPrefix("/close-mid") {
            var headers = HTTPHeaders()
            headers.add(name: "content-length", value: "100")
            context.write(
                wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil
            )
            let part = context.channel.allocator.buffer(string: "0123456789")
            context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(part))), promise: nil)
            context.close(promise: nil)
        } else if path.hasPrefix("/close") {
            context.close(promise: nil)
        } else if path.hasPrefix("/chunked") {
            var headers = HTTPHeaders()
            headers.add(name: "transfer-encoding", value: "chunked")
            context.write(
                wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil
            )
            for text in ["hello ", "chunked ", "world"] {
                context.write(
                    wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: text)))), promise: nil)
            }
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        } else if path.hasPrefix("/big/") {
            send(status: .ok, body: String(repeating: "x", count: Int(last) ?? 0), context: context)
        } else if path.hasPrefix("/echo") {
            send(status: .ok, body: String(decoding: body, as: UTF8.self), context: context)
        } else if path.hasPrefix("/conn-close") {
            send(status: .ok, body: "bye", extra: [("connection", "close")], context: context)
        } else if path.hasPrefix("/status/") {
            send(status: .init(statusCode: Int(last) ?? 200), body: "", context: context)
        } else {
            // A login handler's answer: the claims the test asked for (`x-test-session`) as the
            // gateway's session instruction.
            let session = head.headers["x-test-session"].first.map { [("x-actiongate-session", $0)] } ?? []
            send(
                status: .ok, body: "ok", extra: [("x-upstream-secret", "s3cret"), ("x-upstream", "1")] + session,
                context: context
            )
        }
    }

    /// A head promising `count` bytes, then one byte every 100 ms.
    private func trickle(count: Int, context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "content-length", value: String(count))
        context.writeAndFlush(
            wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
        func next(_ remaining: Int) {
            guard remaining > 0 else {
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                return
            }
            context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(100)) {
                context.writeAndFlush(
                    self.wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: "x")))),
                    promise: nil)
                next(remaining - 1)
            }
        }
        next(count)
    }

    private func send(
        status: HTTPResponseStatus, body: String, extra: [(String, String)] = [], context: ChannelHandlerContext
    ) {
        var headers = HTTPHeaders(extra)
        let hasBody = status.mayHaveResponseBody
        if hasBody { headers.add(name: "content-length", value: String(body.utf8.count)) }
        context.write(
            wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        if hasBody, !body.isEmpty {
            context.write(
                wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
        }
        let close = extra.contains { $0.0 == "connection" && $0.1 == "close" }
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            if close { context.close(promise: nil) }
        }
    }
}

@available(*, unavailable)
extension UpstreamHandler: Sendable {}
