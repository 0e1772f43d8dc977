import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A child process for tests, started with `posix_spawn` — not Foundation's `Process`.
///
/// Foundation's `Process.run()` on Linux (Swift 6.3.1) over-reads a `dirent` while it scans
/// `/proc/self/fd` and crashes the whole test run now and then (swiftlang/swift-corelibs-foundation
/// PR #5472); a test run that opens many sockets and spawns many children hit it about one run in
/// five. This spawns directly instead:
///
/// - standard output and standard error go to pipes that a reader thread each drains as the child
///   writes, so a chatty child never blocks and the output so far is always readable;
/// - the child gets only descriptors 0–2 (everything else is closed in the child), its own process
///   group, default signal dispositions and an empty signal mask — whatever the spawning thread or
///   the test process (ServiceLifecycle ignores SIGTERM) had;
/// - `wait()` and `waitForCompletion()` block the calling thread, as `waitUntilExit()` did.
public final class ChildProcess: Sendable {
    /// How a child failed to start.
    public struct SpawnError: Error, CustomStringConvertible {
        public let description: String
    }

    /// The result of a child run to completion.
    public struct Completed: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    public let pid: pid_t
    private let out: Collector
    private let err: Collector
    private let exitStatus = Mutex<Int32?>(nil)
    private let waitLock = Mutex(())

    /// Starts `executable` (a path; `/usr/bin/env` finds programs on PATH) with `arguments`.
    ///
    /// - Parameters:
    ///   - environment: the child's whole environment (default: this process's).
    ///   - directory: the child's working directory (default: this process's).
    ///   - stdin: bytes written to the child's standard input, which is then closed (nil: an empty
    ///     input).
    public init(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String] = ProcessInfo.processInfo.environment,
        directory: String? = nil,
        stdin: String? = nil
    ) throws {
        guard let closeFrom = Self.addCloseFrom, let changeDirectory = Self.addChangeDirectory else {
            throw SpawnError(description: "this C library lacks posix_spawn_file_actions_addclosefrom_np/addchdir_np")
        }
        let input = try Self.pipe()
        let output = try Self.pipe()
        let errors = try Self.pipe()

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input.read, 0)
        posix_spawn_file_actions_adddup2(&actions, output.write, 1)
        posix_spawn_file_actions_adddup2(&actions, errors.write, 2)
        _ = closeFrom(&actions, 3)
        if let directory { _ = changeDirectory(&actions, directory) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGQUIT, SIGUSR1, SIGUSR2, SIGCHLD] {
            sigaddset(&defaults, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        close(input.read)
        close(output.write)
        close(errors.write)
        guard result == 0 else {
            close(input.write)
            close(output.read)
            close(errors.read)
            throw SpawnError(description: "posix_spawn \(executable): \(String(cString: strerror(result)))")
        }
        self.pid = pid
        out = Collector(descriptor: output.read)
        err = Collector(descriptor: errors.read)
        let bytes = Array((stdin ?? "").utf8)
        // A thread of its own: a child that does not read its input must not block the caller.
        Thread {
            blockAllSignals()
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { write(input.write, $0.baseAddress, $0.count) }
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { break }
                offset += written
            }
            close(input.write)
        }.start()
    }

    /// Runs a child to completion and returns its status and output (blocking).
    public static func run(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String] = ProcessInfo.processInfo.environment,
        directory: String? = nil,
        stdin: String? = nil
    ) throws -> Completed {
        try ChildProcess(executable, arguments, environment: environment, directory: directory, stdin: stdin)
            .waitForCompletion()
    }

    /// Standard output so far.
    public var stdout: String { out.text }
    /// Standard error so far.
    public var stderr: String { err.text }

    /// True until the child has exited (and been reaped).
    public var isRunning: Bool {
        waitLock.withLock { _ in
            if exitStatus.withLock({ $0 }) != nil { return false }
            var status: Int32 = 0
            let reaped = waitpid(pid, &status, WNOHANG)
            guard reaped == pid else { return reaped == 0 }
            exitStatus.withLock { $0 = Self.decode(status) }
            return false
        }
    }

    /// Sends `signal` to the child (nothing once it has been reaped: the pid may be reused).
    public func send(_ signal: Int32) {
        waitLock.withLock { _ in
            if exitStatus.withLock({ $0 }) == nil { _ = Glibc.kill(pid, signal) }
        }
    }

    /// Blocks until the child exits; its exit status, or 128 + the signal that ended it.
    @discardableResult
    public func wait() -> Int32 {
        if let status = exitStatus.withLock({ $0 }) { return status }
        // Wait for the exit without reaping it (WNOWAIT) and without the lock, so `send` and
        // `isRunning` on other threads never wait behind this; then reap under the lock.
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR {}
        return waitLock.withLock { _ in
            if let status = exitStatus.withLock({ $0 }) { return status }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            let decoded = Self.decode(status)
            exitStatus.withLock { $0 = decoded }
            return decoded
        }
    }

    /// Waits for the exit and for both pipes to reach their end, then returns everything.
    public func waitForCompletion() -> Completed {
        let status = wait()
        return Completed(status: status, stdout: out.waitForEnd(), stderr: err.waitForEnd())
    }

    /// SIGKILL and reap: for `defer` blocks, so no child outlives a failed test.
    public func kill() {
        send(SIGKILL)
        wait()
    }

    private static func decode(_ status: Int32) -> Int32 {
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }

    private static func pipe() throws -> (read: Int32, write: Int32) {
        var descriptors: [Int32] = [-1, -1]
        guard Glibc.pipe(&descriptors) == 0 else {
            throw SpawnError(description: "pipe: \(String(cString: strerror(errno)))")
        }
        // Children spawned here close everything above 2 anyway; this covers any other spawner.
        for descriptor in descriptors { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        return (descriptors[0], descriptors[1])
    }

    // glibc declares these only under _GNU_SOURCE, which Swift's Glibc module does not set.
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private typealias AddChangeDirectory =
        @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    private static let addCloseFrom: AddCloseFrom? = symbol("posix_spawn_file_actions_addclosefrom_np")
    private static let addChangeDirectory: AddChangeDirectory? = symbol("posix_spawn_file_actions_addchdir_np")

    private static func symbol<T>(_ name: String) -> T? {
        guard let address = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }
        return unsafeBitCast(address, to: T.self)
    }
}

/// Drains one pipe on a thread of its own, keeping everything read.
private final class Collector: Sendable {
    private let bytes = Mutex<[UInt8]>([])
    private let ended = Mutex(false)
    private let condition = NSCondition()

    init(descriptor: Int32) {
        Thread { [self] in
            blockAllSignals()
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = read(descriptor, &buffer, buffer.count)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { break }
                bytes.withLock { $0.append(contentsOf: buffer[..<count]) }
            }
            close(descriptor)
            condition.lock()
            ended.withLock { $0 = true }
            condition.broadcast()
            condition.unlock()
        }.start()
    }

    var text: String { String(decoding: bytes.withLock { $0 }, as: UTF8.self) }

    /// Blocks until the pipe ends (every writer closed it), then returns all of it.
    func waitForEnd() -> String {
        condition.lock()
        while !ended.withLock({ $0 }) { condition.wait() }
        condition.unlock()
        return text
    }
}

/// For the helper threads here: a signal a test sends to its own process (SIGHUP for a reload)
/// must never interrupt their blocking reads and writes.
private func blockAllSignals() {
    var all = sigset_t()
    sigfillset(&all)
    pthread_sigmask(SIG_BLOCK, &all, nil)
}
