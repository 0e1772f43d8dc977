import ActionGateTestSupport
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A running `actiongate demo --port 0`: the real executable, its output collected as it comes.
///
/// `start` returns once the banner names the gateway's URL; `stop` sends SIGINT (Ctrl-C) and waits,
/// bounded, for the exit. A test that fails midway still stops it: `deinit` kills a process that is
/// still running.
final class DemoProcess: Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private let child: ChildProcess

    private init(child: ChildProcess) {
        self.child = child
    }

    /// Everything the demo printed on standard output so far.
    var stdout: String { child.stdout }
    var stderr: String { child.stderr }

    /// The gateway's port, read from the banner's `Open http://127.0.0.1:<port>/` line.
    var port: Int? {
        let text = stdout
        guard let range = text.range(of: "Open http://127.0.0.1:") else { return nil }
        return Int(text[range.upperBound...].prefix { $0.isNumber })
    }

    /// The demo's temporary folder, read from the banner's `files` line.
    var folder: String? {
        let text = stdout
        guard let range = text.range(of: "files    ") else { return nil }
        return String(text[range.upperBound...].prefix { $0 != " " && $0 != "\n" })
    }

    /// Starts the demo and waits (at most `timeout`) until it prints its URL.
    static func start(timeout: Duration = .seconds(30)) async throws -> DemoProcess {
        let demo = DemoProcess(
            child: try ChildProcess(
                ActionGateProcess.executable.path, ["demo", "--port", "0"], environment: ActionGateProcess.environment()
            ))
        let deadline = ContinuousClock.now + timeout
        while demo.port == nil {
            guard demo.child.isRunning, ContinuousClock.now < deadline else {
                demo.forceStop()
                throw Failure(description: "the demo printed no URL; stderr: \(demo.stderr)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return demo
    }

    /// Waits (bounded) until standard output contains `text`; decisions are printed asynchronously.
    func waitForOutput(_ text: String, timeout: Duration = .seconds(5)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !stdout.contains(text) {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    /// Ctrl-C, then waits up to `timeout` for the exit; returns the exit status (nil: it hung and was
    /// killed).
    func interrupt(timeout: Duration = .seconds(20)) async -> Int32? {
        child.send(SIGINT)
        let deadline = ContinuousClock.now + timeout
        while child.isRunning {
            guard ContinuousClock.now < deadline else {
                forceStop()
                return nil
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return child.wait()
    }

    /// SIGKILL, for a demo that did not start or did not stop.
    private func forceStop() {
        child.kill()
    }

    deinit {
        forceStop()
    }
}
