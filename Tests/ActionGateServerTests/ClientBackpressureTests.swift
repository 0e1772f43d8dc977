import ActionGateCore
import Logging
import NIOCore
import NIOEmbedded
import Testing

@testable import ActionGateServer

/// A client that pipelines requests without reading the responses: the gateway must stop taking
/// requests while its answers wait above the channel's high-water mark (one connection grew the
/// process by ~70 MB a second, answering 404s nobody read).
@Suite struct ClientBackpressureTests {
    static func connection() throws -> (EmbeddedChannel, RecordingAuditSink) {
        let channel = EmbeddedChannel()
        let audit = RecordingAuditSink()
        let loop = LoopContext(
            eventLoop: channel.embeddedEventLoop, loopIndex: 0, eventLoopCount: 1, limits: ServerLimits(),
            counters: GatewayCounters(maxBufferedBodyBytes: 1 << 20), audit: audit,
            snapshot: GatewaySnapshot(gate: TestGate(), upstreams: [:]), logger: Logger(label: "test"))
        try channel.pipeline.syncOperations.addHandler(ClientConnectionHandler(loop: loop))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 40000)).wait()
        return (channel, audit)
    }

    /// The client stops (false) or starts again (true) reading what the gateway writes.
    static func setWritable(_ writable: Bool, _ channel: EmbeddedChannel) {
        channel.isWritable = writable
        channel.pipeline.fireChannelWritabilityChanged()
    }

    static func responses(_ channel: EmbeddedChannel) throws -> [String] {
        var text = ""
        while let part = try channel.readOutbound(as: ByteBuffer.self) { text += String(buffer: part) }
        return text.components(separatedBy: "HTTP/1.1 ").filter { !$0.isEmpty }
    }

    @Test func pipelinedRequestsWaitUntilTheClientReadsAgain() throws {
        let (channel, audit) = try Self.connection()
        let request = "GET /reject/forbidden HTTP/1.1\r\nHost: a\r\n\r\n"
        try channel.writeInbound(ByteBuffer(string: request))
        #expect(try Self.responses(channel).count == 1, "writable: answered at once")

        // The client stopped reading: the answers so far fill the outbound buffer.
        Self.setWritable(false, channel)
        try channel.writeInbound(ByteBuffer(string: String(repeating: request, count: 3)))
        #expect(try Self.responses(channel).isEmpty, "no request is taken while the answers wait")
        #expect(audit.all.count == 1)

        Self.setWritable(true, channel)
        let answered = try Self.responses(channel)
        #expect(answered.count == 3 && answered.allSatisfy { $0.hasPrefix("403 ") }, "\(answered)")
        #expect(audit.all.count == 4)
        _ = try? channel.finish()
    }

    /// Thousands of tiny pipelined requests in one read are decoded a few at a time: the rest waits
    /// as bytes (a soak test measured ~5 MB per such connection when all were decoded at once),
    /// nothing more is read meanwhile, and every request is still answered, in order.
    @Test func aReadOfManyPipelinedRequestsIsDecodedAFewAtATime() throws {
        let (channel, audit) = try Self.connection()
        let handler = try channel.pipeline.syncOperations.handler(type: ClientConnectionHandler.self)
        Self.setWritable(false, channel)
        var requests = ""
        for index in 0..<2000 { requests += "GET /reject/forbidden?n=\(index) HTTP/1.1\r\nHost: a\r\n\r\n" }
        try channel.writeInbound(ByteBuffer(string: requests))
        #expect(try Self.responses(channel).isEmpty)
        #expect(handler.queue.count <= ClientConnectionHandler.maxQueuedEvents, "\(handler.queue.count) events queued")
        #expect(handler.inputHeld)

        Self.setWritable(true, channel)
        let answered = try Self.responses(channel)
        #expect(answered.count == 2000 && answered.allSatisfy { $0.hasPrefix("403 ") }, "\(answered.count)")
        #expect(audit.all.map(\.target) == (0..<2000).map { "/reject/forbidden?n=\($0)" })
        #expect(!handler.inputHeld && handler.queue.isEmpty)
        _ = try? channel.finish()
    }

    /// A half-close behind held input: the held requests are answered first, then the connection ends.
    @Test func aHalfCloseBehindHeldRequestsAnswersThemFirst() throws {
        let (channel, audit) = try Self.connection()
        let handler = try channel.pipeline.syncOperations.handler(type: ClientConnectionHandler.self)
        Self.setWritable(false, channel)
        try channel.writeInbound(
            ByteBuffer(string: String(repeating: "GET /reject/forbidden HTTP/1.1\r\nHost: a\r\n\r\n", count: 100)))
        #expect(handler.inputHeld)
        channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        Self.setWritable(true, channel)
        let answered = try Self.responses(channel)
        #expect(answered.count == 100 && answered.allSatisfy { $0.hasPrefix("403 ") }, "\(answered.count)")
        #expect(audit.all.count == 100)
        _ = try? channel.finish()
    }
}
