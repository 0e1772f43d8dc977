import NIOCore

/// Sits in front of the HTTP decoder and tells the connection handler about raw bytes before they
/// are decoded.
///
/// The decoder reports nothing until a head is complete. This guard lets the connection start its
/// header timer at a request's first byte and bound the raw bytes of a head (padding included),
/// which the decoder's field-size limits do not see.
final class HeadByteGuard: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let connection: ClientConnectionHandler

    init(connection: ClientConnectionHandler) {
        self.connection = connection
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let count = unwrapInboundIn(data).readableBytes
        guard connection.rawBytesArriving(count) else { return }
        context.fireChannelRead(data)
    }
}

@available(*, unavailable)
extension HeadByteGuard: Sendable {}
