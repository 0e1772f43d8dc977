import ActionGateCore
import NIOCore

/// Answers a connection beyond `ServerLimits.maxConnections`: `503 overloaded` with
/// `Connection: close`, written without reading the request, then closes.
final class OverloadResponder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let counters: GatewayCounters
    private let requestID: String
    private var counted = true
    private var answered = false

    init(counters: GatewayCounters, requestID: String) {
        self.counters = counters
        self.requestID = requestID
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { answer(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        answer(context: context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

    func channelInactive(context: ChannelHandlerContext) {
        release()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        release()
    }

    private func answer(context: ChannelHandlerContext) {
        guard !answered else { return }
        answered = true
        var buffer = context.channel.allocator.buffer(capacity: 256)
        RejectionResponse.write(
            Rejection(.overloaded, detail: "connection cap reached"), requestID: requestID, isHEAD: false,
            close: true, keepAliveForHTTP10: false, into: &buffer
        )
        context.writeAndFlush(wrapOutboundOut(buffer)).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }

    private func release() {
        guard counted else { return }
        counted = false
        counters.connectionClosed()
    }
}

@available(*, unavailable)
extension OverloadResponder: Sendable {}
