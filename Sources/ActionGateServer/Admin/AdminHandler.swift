import ActionGateCore
import NIOCore
import NIOHTTP1

/// Serves one admin connection: collects a request (body bounded), routes it by exact method and
/// path, runs the handler as a task and writes its response.
///
/// Runs behind NIO's `configureHTTPServerPipeline`, which keeps responses in request order. Bounds
/// (`AdminLimits`): each request must arrive whole within `requestTimeout` of the connection's
/// start or of the previous response having left; each response must leave within
/// `responseTimeout` (a client that stops reading is disconnected); and a pipelined request that
/// arrives while earlier responses wait past the write buffer's high-water mark is held until they
/// have drained, so unread responses cannot pile up.
final class AdminHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let routes: [AdminRoute]
    private let limits: AdminLimits
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var bodyTooLarge = false
    /// A complete request waiting for the write buffer to drain before it is answered.
    private var held: HTTPRequestHead?
    /// A request is complete and its response not yet written (the handler runs, or it is held).
    private var answering = false
    /// Responses written whose end has not left yet. While there are any, the response deadline
    /// runs (re-armed when one leaves or the buffer drains below its low-water mark); once the last
    /// has left, the next request's deadline does.
    private var unsent = 0
    /// A request asked to close the connection after its response: later ones are not handled.
    private var closeAfterResponse = false
    /// The handler left the pipeline (the connection closed): nothing more is written or armed.
    private var removed = false
    /// Closes the connection: unless the next request is complete in time, or a response leaves
    /// (or makes progress) in time.
    private var deadline: Scheduled<Void>?

    init(routes: [AdminRoute], limits: AdminLimits) {
        self.routes = routes
        self.limits = limits
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(limits.requestTimeout, context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(limits.requestTimeout, context: context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        removed = true
        held = nil
        disarm()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            // The client read enough to drain the buffer below its low-water mark: progress.
            if unsent > 0 { arm(limits.responseTimeout, context: context) }
            if let request = held {
                held = nil
                respond(to: request, context: context)
            }
        }
        context.fireChannelWritabilityChanged()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            guard !closeAfterResponse else { return }
            self.head = head
            body = []
            bodyTooLarge = false
        case .body(let part):
            if body.count + part.readableBytes > limits.maxBodyBytes {
                bodyTooLarge = true
                body = []
            } else if !bodyTooLarge {
                part.withUnsafeReadableBytes { body.append(contentsOf: $0) }
            }
        case .end:
            guard let head, !closeAfterResponse else { return }
            self.head = nil
            answering = true
            if !head.isKeepAlive { closeAfterResponse = true }
            if context.channel.isWritable {
                // Complete: the handler's time is not the client's (but earlier responses still
                // being sent keep their deadline).
                if unsent == 0 { disarm() }
                respond(to: head, context: context)
            } else {
                // Earlier responses still wait for the client past the high-water mark: answer
                // once they drained (the response deadline running meanwhile bounds the wait).
                held = head
            }
        }
    }

    private func disarm() {
        deadline?.cancel()
        deadline = nil
    }

    private func arm(_ timeout: TimeAmount, context: ChannelHandlerContext) {
        guard !removed else { return }
        deadline?.cancel()
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            context.close(promise: nil)
        }
    }

    private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        let (path, query) = Self.split(head.uri)
        if bodyTooLarge {
            write(.json(status: 413, "{\"error\":\"body_too_large\"}"), for: head, context: context)
            return
        }
        let matching = routes.filter { $0.path == path }
        guard !matching.isEmpty else {
            write(.json(status: 404, "{\"error\":\"not_found\"}"), for: head, context: context)
            return
        }
        guard let route = matching.first(where: { $0.method == head.method.rawValue }) else {
            var response = AdminResponse.json(status: 405, "{\"error\":\"method_not_allowed\"}")
            response.headers.add("allow", matching.map(\.method).joined(separator: ", "))
            write(response, for: head, context: context)
            return
        }
        let request = AdminRequest(
            method: head.method.rawValue,
            path: path,
            query: query,
            headers: HeaderFields(fields: head.headers.map { HeaderFields.Field(name: $0.name, value: $0.value) }),
            body: body,
            peerAddress: context.channel.remoteAddress?.ipAddress ?? ""
        )
        body = []
        let handler = route.handler
        context.eventLoop.makeFutureWithTask { await handler(request) }
            .assumeIsolated()
            .whenSuccess { response in
                self.write(response, for: head, context: context)
            }
    }

    private func write(_ response: AdminResponse, for request: HTTPRequestHead, context: ChannelHandlerContext) {
        guard !removed else { return }  // the client left while the handler ran
        var headers = HTTPHeaders()
        for field in response.headers.fields where ResponseHeadWriter.isRelayable(field) {
            headers.add(name: field.name, value: field.value)
        }
        headers.add(name: "content-length", value: String(response.body.count))
        headers.add(name: "connection", value: request.isKeepAlive ? "keep-alive" : "close")
        let head = HTTPResponseHead(
            version: request.version, status: .init(statusCode: response.status), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if request.method != .HEAD, !response.body.isEmpty {
            context.write(
                wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: response.body)))),
                promise: nil)
        }
        let keepAlive = request.isKeepAlive
        answering = false
        unsent += 1
        // The oldest response not yet sent owns the deadline: it must leave (or progress) in time.
        if unsent == 1 { arm(limits.responseTimeout, context: context) }
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { result in
            guard !self.removed else { return }
            self.unsent -= 1
            guard case .success = result, keepAlive else {
                context.close(promise: nil)
                return
            }
            if self.unsent > 0 || self.held != nil {
                // Another response is still being sent (or waits for the buffer to drain).
                self.arm(self.limits.responseTimeout, context: context)
            } else if self.answering {
                // The next request is complete and its handler runs: its response arms the deadline.
                self.disarm()
            } else {
                // Everything has left: the next request's time starts.
                self.arm(self.limits.requestTimeout, context: context)
            }
        }
    }

    private static func split(_ uri: String) -> (String, String?) {
        guard let mark = uri.firstIndex(of: "?") else { return (uri, nil) }
        return (String(uri[..<mark]), String(uri[uri.index(after: mark)...]))
    }
}

@available(*, unavailable)
extension AdminHandler: Sendable {}
