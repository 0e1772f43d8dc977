import NIOCore
import NIOHTTP1
import NIOPosix

/// An ordinary HTTP/1.1 client (NIO's client codec), for the well-behaved-client view.
final class HTTPTestClient: Sendable {
    struct Response: Sendable {
        var head: HTTPResponseHead
        var body: String
    }

    private let channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>

    private init(channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>) {
        self.channel = channel
    }

    static func connect(to address: SocketAddress) async throws -> HTTPTestClient {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(to: address) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                        wrappingChannelSynchronously: channel
                    )
                }
            }
        return HTTPTestClient(channel: channel)
    }

    /// Sends requests one after another on this connection and collects their responses.
    func exchange(_ requests: [(HTTPRequestHead, String?)]) async throws -> [Response] {
        try await channel.executeThenClose { inbound, outbound in
            var responses: [Response] = []
            var parts = inbound.makeAsyncIterator()
            for (head, body) in requests {
                try await outbound.write(.head(head))
                if let body { try await outbound.write(.body(.byteBuffer(ByteBuffer(string: body)))) }
                try await outbound.write(.end(nil))
                var responseHead: HTTPResponseHead?
                var text = ""
                loop: while let part = try await parts.next() {
                    switch part {
                    case .head(let head): responseHead = head
                    case .body(let buffer): text += String(buffer: buffer)
                    case .end: break loop
                    }
                }
                guard let responseHead else { break }
                responses.append(Response(head: responseHead, body: text))
            }
            return responses
        }
    }
}
