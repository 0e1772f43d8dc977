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
        #expect(line.contains("setting up an accepted connection failed; the connection was closed unanswered"))
        #expect(line.contains("set-up refused by the test"))
        #expect(line.contains("\"listen\":\"127.0.0.1:\(address.port)\""))
    }

    /// Out of file descriptors, `accept` fails while the client waits in the backlog, so the
    /// listening socket stays readable: `AcceptBackoff` takes the listener out of the event loop's
    /// readiness set for the pause (it spun at 100 % CPU, see OpenFileLimitTests), then puts it back.
    @Test func aFailedAcceptPausesTheListenerAndResumesIt() async throws {
        let accepted = Atomic(0)
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(AcceptBackoff(delay: .milliseconds(600)))
                }
            }
            .childChannelInitializer { channel in
                accepted.wrappingAdd(1, ordering: .relaxed)
                return channel.eventLoop.makeSucceededVoidFuture()
            }
            .bind(host: "127.0.0.1", port: 0).get()
        defer { listener.close(promise: nil) }
        let port = try #require(listener.localAddress?.port)
        #expect(try await listener.getOption(.autoRead).get())
        let started = ContinuousClock.now
        listener.pipeline.fireErrorCaught(IOError(errnoCode: EMFILE, reason: "accept"))
        #expect(try await !listener.getOption(.autoRead).get(), "paused")
        // While paused the kernel completes the handshake, but nothing accepts the connection.
        let waiting = try LoopbackSocket(port: port, receiveTimeout: 5)
        defer { waiting.close() }
        try await Task.sleep(for: .milliseconds(200))
        if ContinuousClock.now - started < .milliseconds(550) {
            #expect(accepted.load(ordering: .relaxed) == 0, "accepted during the pause")
        }
        // A second failure within the pause neither extends nor stacks it.
        listener.pipeline.fireErrorCaught(IOError(errnoCode: EMFILE, reason: "accept"))
        while try await !listener.getOption(.autoRead).get() {
            try await Task.sleep(for: .milliseconds(10))
            #expect(ContinuousClock.now - started < .seconds(5), "never resumed")
        }
        let paused = ContinuousClock.now - started
        #expect(paused >= .milliseconds(600))
        // Resumed: the waiting connection is accepted.
        let deadline = ContinuousClock.now + .seconds(5)
        while accepted.load(ordering: .relaxed) == 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(accepted.load(ordering: .relaxed) == 1, "the listener did not accept again")
        // Errors that are not the socket's (a child's set-up) do not pause it, nor does a client
        // that aborted its connection before the accept (anyone could keep a listener paused).
        listener.pipeline.fireErrorCaught(SetUpFailed())
        listener.pipeline.fireErrorCaught(IOError(errnoCode: ECONNABORTED, reason: "accept"))
        #expect(try await listener.getOption(.autoRead).get())
    }

    @Test func theMessageSaysWhatHappenedAndWhatToDo() {
        let exhausted = AcceptErrorLogger.message(for: IOError(errnoCode: EMFILE, reason: "accept"))
        #expect(exhausted.contains("out of file descriptors"), "\(exhausted)")
        #expect(exhausted.contains("retried every 100 ms"), "\(exhausted)")
        #expect(exhausted.contains("LimitNOFILE="), "\(exhausted)")
        #expect(AcceptErrorLogger.message(for: SetUpFailed()).contains("closed unanswered"))
    }
}
