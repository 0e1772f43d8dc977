import NIOCore
import NIOHTTP1

/// The client side of an HTTP/1 relay through NIO's codecs: each decoded request part is re-encoded
/// to the upstream channel, and `HTTPRelayResponseHandler` sends the decoded response parts back.
/// No checks, no header changes: what any NIO-based HTTP proxy pays before doing its own work.
final class HTTPRelayHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    var upstream: (any Channel)?
    private(set) var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let upstream else {
            context.close(promise: nil)
            return
        }
        switch unwrapInboundIn(data) {
        case .head(let head):
            upstream.write(HTTPClientRequestPart.head(head), promise: nil)
        case .body(let part):
            upstream.write(HTTPClientRequestPart.body(.byteBuffer(part)), promise: nil)
        case .end(let trailers):
            upstream.writeAndFlush(HTTPClientRequestPart.end(trailers), promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        upstream?.close(promise: nil)
        upstream = nil
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension HTTPRelayHandler: Sendable {}
