import ActionGateCore
import ActionGateTestSupport
import Foundation
import Logging
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import ActionGateServer

/// A connection the listener accepted but could not set up is closed by SwiftNIO with nothing else
/// to show for it; `AcceptErrorLogger` makes it an operational log line (one per interval).
@Suite struct AcceptErrorLoggerTests {
    struct SetUpFailed: Error, CustomStringConvertible {
        var description: String { "set-up refused by the test" }
    }

    @Test func aConnectionThatCannotBeSetUpIsLoggedOncePerInterval() async throws {
        let lines = Mutex<[String]>([])
        let output = JSONLogOutput { bytes in lines.withLock { $0.append(String(decoding: bytes, as: UTF8.self)) } }
        let logger = Logger(label: "actiongate.test") { JSONLogHandler(label: $0, level: .info, output: output) }
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in channel.eventLoop.makeFailedFuture(SetUpFailed()) }
            .bind(host: "127.0.0.1", port: 0).get()
        let address = ListenAddress(host: "127.0.0.1", port: try #require(listener.localAddress?.port))
        try await AcceptErrorLogger.addLast(to: listener, address: address, logger: logger)

        for _ in 0..<3 {
            let client = try LoopbackSocket(port: address.port, receiveTimeout: 5)
            // Closed unanswered: the set-up failed, so no handler ever saw the connection.
            #expect(try client.readToEnd().isEmpty)
            client.close()
        }
        try await listener.close()

        let written = lines.withLock { $0 }
        #expect(written.count == 1, "one line for three failures within the interval: \(written)")
        let line = try #require(written.first)
        #expect(line.contains("\"level\":\"error\""))
        #expect(line.contains("accepting a client connection failed"))
        #expect(line.contains("set-up refused by the test"))
        #expect(line.contains("\"listen\":\"127.0.0.1:\(address.port)\""))
    }
}
