import ActionGateCrypto
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// The demo app's client for the gateway's `POST /v1/seal` (admin listener, bearer token): what any
/// handler does when it renders a page with values the browser must send back untouched.
///
/// The admin address is known only once the gateway has bound its admin listener (port 0), so it
/// is set after the app has started.
final class DemoSealer: Sendable {
    /// One value to seal for `action`, tied to `subject` (purpose 0x03) when given.
    struct Request: Sendable {
        var action: String
        var args: JSONValue
        var subject: String?
        var ttl: String = "10m"

        /// The `/v1/seal` body.
        var body: String {
            var members: [String: JSONValue] = ["action": .string(action), "args": args, "ttl": .string(ttl)]
            if let subject { members["subject"] = .string(subject) }
            return JSONValue.object(members).serialized()
        }
    }

    private let token: String
    private let address = Mutex<SocketAddress?>(nil)

    /// - Parameter token: the contents of the gateway's `admin.token_file`.
    init(token: String) {
        self.token = token
    }

    /// Where the admin listener is; set once the gateway runs.
    func setAdminAddress(_ adminAddress: SocketAddress?) {
        address.withLock { $0 = adminAddress }
    }

    /// Seals every request over one keep-alive connection; a nil entry means that value could not be
    /// sealed (the page then offers no button for it rather than an unusable one).
    func seal(_ requests: [Request]) async -> [String?] {
        guard !requests.isEmpty else { return [] }
        guard let admin = address.withLock({ $0 }) else { return requests.map { _ in nil } }
        do {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(2))
                .connect(to: admin) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                            wrappingChannelSynchronously: channel)
                    }
                }
            return try await channel.executeThenClose { inbound, outbound in
                var tokens: [String?] = []
                var parts = inbound.makeAsyncIterator()
                for request in requests {
                    try await outbound.write(contentsOf: head(for: request, host: admin))
                    tokens.append(try await Self.readToken(&parts))
                }
                return tokens
            }
        } catch {
            return requests.map { _ in nil }
        }
    }

    private func head(for request: Request, host: SocketAddress) -> [HTTPClientRequestPart] {
        let body = ByteBuffer(string: request.body)
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: "\(host.ipAddress ?? "127.0.0.1"):\(host.port ?? 0)")
        headers.add(name: "Authorization", value: "Bearer \(token)")
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Content-Length", value: String(body.readableBytes))
        let head = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/v1/seal", headers: headers)
        return [.head(head), .body(.byteBuffer(body)), .end(nil)]
    }

    /// Reads one response and returns its `token`, or nil when the gateway refused to seal.
    private static func readToken(
        _ parts: inout NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator
    ) async throws -> String? {
        var status = 0
        var body: [UInt8] = []
        var tooLarge = false
        while let part = try await parts.next() {
            switch part {
            case .head(let head): status = Int(head.status.code)
            case .body(let buffer):
                // Keep reading an oversized answer to its end (the connection stays usable), but drop it.
                tooLarge = tooLarge || body.count + buffer.readableBytes > 64 << 10
                if !tooLarge { body.append(contentsOf: buffer.readableBytesView) }
            case .end:
                guard status == 200, !tooLarge, case .object(let members)? = try? JSONValue(parsing: body),
                    case .string(let token)? = members["token"]
                else { return nil }
                return token
            }
        }
        return nil
    }
}
