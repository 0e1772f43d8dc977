import NIOCore
import NIOHTTP1

/// The upstream side of `HTTPRelayHandler`'s relay: decoded response parts, re-encoded to the client.
final class HTTPRelayResponseHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let client: HTTPRelayHandler

    init(client: HTTPRelayHandler) {
        self.client = client
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let client = client.context else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            let response = HTTPResponseHead(version: head.version, status: head.status, headers: head.headers)
            client.write(NIOAny(HTTPServerResponsePart.head(response)), promise: nil)
        case .body(let part):
            client.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(part))), promise: nil)
        case .end(let trailers):
            client.writeAndFlush(NIOAny(HTTPServerResponsePart.end(trailers)), promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        client.context?.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension HTTPRelayResponseHandler: Sendable {}
