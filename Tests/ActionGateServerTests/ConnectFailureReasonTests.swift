import Glibc
import NIOCore
import NIOPosix
import Testing

@testable import ActionGateServer

/// The reason of a failed upstream connect comes first and short, so the audit line's 100
/// characters of `detail` keep it: SwiftNIO's own description lists the addresses tried first, and
/// a refused connection, a timeout and a gateway out of file descriptors read the same.
@Suite struct ConnectFailureReasonTests {
    @Test func aRefusedConnectionSaysSoWithTheAddress() async throws {
        let port = try await TestUpstream.closedPort()
        do {
            _ = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: port).get()
            Issue.record("connected to a closed port")
        } catch {
            let reason = ConnectFailureReason.describe(error)
            #expect(reason == "Connection refused (127.0.0.1:\(port))", "\(reason) from \(error)")
            let detail = UpstreamFailure.connectFailed(reason).detail
            #expect(detail.count <= 100, "\(detail)")
        }
    }

    @Test func outOfFileDescriptorsIsTheGatewaysProblem() {
        let reason = ConnectFailureReason.describe(IOError(errnoCode: EMFILE, reason: "socket"))
        #expect(reason == "Too many open files: the gateway is out of file descriptors (raise its open-file limit)")
    }

    @Test func aTimeoutSaysHowLong() {
        #expect(ConnectFailureReason.describe(ChannelError.connectTimeout(.seconds(2))) == "timed out after 2000 ms")
    }
}
