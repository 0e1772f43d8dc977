import Dispatch
import Foundation
import Logging
import NIOPosix
import Synchronization

/// The decision audit log: one JSON line per request (fields in docs/operations.md), written by a
/// background thread so a slow stdout never blocks an EventLoop.
///
/// `record` encodes the line on the calling EventLoop into that thread's own buffer (an
/// `AuditShard`: no shared lock, no allocation once warm). A writer thread drains every buffer
/// each `flushInterval`, or sooner when one passes `wakeBytes`, and writes it with `write(2)`. The
/// queue is bounded: a thread's buffer never grows past `maxBufferedBytesPerThread`; beyond it
/// lines are dropped and counted (`droppedLines`, metric `actiongate_audit_lines_dropped_total`),
/// because a gateway that stalls when its log reader stalls hands attackers a lever. Failed writes
/// and failed reopens are also said on the operational log (`logger`), at most once per
/// `problemInterval` with the number since. Call `close()` at shutdown (it writes what is
/// pending); `flush()` writes pending lines now (tests).
public final class AuditLog: AuditSink {
    private let destination: AuditDestination
    private let maxBufferedBytesPerThread: Int
    private let wakeBytes: Int
    private let flushInterval: Duration
    private let closeTimeout: Duration
    /// Writes to the file the operational log writes to (stderr): each batch under its lock.
    private let sharesStandardError: Bool
    private let local = ThreadSpecificVariable<AuditShard>()
    private let shards = Mutex<[AuditShard]>([])
    /// Serialises draining (the writer thread and `flush()`); holds the descriptor and the spare buffer.
    private let drainState: Mutex<DrainState>
    private let reopenRequested = Atomic(false)
    private let reopenFailures = Atomic(0)
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let closed = Atomic(false)
    private let dropped = Atomic(0)
    private let writeFailures = Atomic(0)
    private let logger: Logger?

    /// The least time between two operational log lines about failing audit writes.
    static let problemInterval: Duration = .seconds(10)

    /// Opens `destination` and starts the writer thread.
    ///
    /// - Parameters:
    ///   - maxBufferedBytesPerThread: the bound on pending lines per EventLoop thread (default 1 MiB).
    ///   - flushInterval: the longest a line waits before it is written (default 50 ms).
    ///   - closeTimeout: how long `close()` waits for the pending lines to be written (default 5 s):
    ///     a reader that stopped reading must not keep the process from exiting.
    ///   - logger: where failing writes and reopens are reported (nil: only counted).
    /// - Throws: `AuditLogError` when a file destination cannot be opened.
    public init(
        destination: AuditDestination = .standardOutput,
        maxBufferedBytesPerThread: Int = 1 << 20,
        flushInterval: Duration = .milliseconds(50),
        closeTimeout: Duration = .seconds(5),
        logger: Logger? = nil
    ) throws(AuditLogError) {
        self.destination = destination
        self.closeTimeout = closeTimeout
        self.logger = logger
        let descriptor = try destination.open()
        self.drainState = Mutex(DrainState(descriptor: descriptor))
        if case .file = destination {
            self.sharesStandardError = false
        } else {
            self.sharesStandardError = DescriptorOutput.sameFile(descriptor, 2)
        }
        self.maxBufferedBytesPerThread = max(maxBufferedBytesPerThread, 4096)
        self.wakeBytes = max(self.maxBufferedBytesPerThread / 16, 2048)
        self.flushInterval = flushInterval
        let thread = Thread { [self] in runWriter() }
        thread.name = "actiongate-audit"
        thread.start()
    }

    /// Lines dropped because a thread's buffer was full or a write failed.
    public var droppedLines: Int { dropped.load(ordering: .relaxed) }

    /// Failed `write(2)` calls (e.g. a closed pipe); their lines count as dropped.
    public var failedWrites: Int { writeFailures.load(ordering: .relaxed) }

    /// Encodes `event` into this thread's buffer; never blocks on output.
    public func record(_ event: RequestRecord) {
        guard !closed.load(ordering: .relaxed) else { return }
        let shard = local.currentValue ?? registerShard()
        let time = LogTimestamp.now()
        let limit = maxBufferedBytesPerThread
        let wakeBytes = wakeBytes
        let (accepted, wakeWriter) = shard.state.withLock { state -> (Bool, Bool) in
            guard state.bytes.count < limit else { return (false, false) }
            AuditLineEncoder.append(event, time: time, to: &state.bytes)
            state.lines &+= 1
            guard !state.wokeWriter, state.bytes.count >= wakeBytes else { return (true, false) }
            state.wokeWriter = true
            return (true, true)
        }
        if !accepted { dropped.wrappingAdd(1, ordering: .relaxed) }
        if wakeWriter { wake.signal() }
    }

    /// Reopens a file destination's path before the next write (after rotation moved the file
    /// away); lines pending go to the new file. If the path cannot be opened, the old descriptor
    /// stays in use and `failedReopens` counts it.
    public func reopen() {
        guard case .file = destination, !closed.load(ordering: .acquiring) else { return }
        reopenRequested.store(true, ordering: .releasing)
        wake.signal()
    }

    /// Reopens that failed (the previous file kept receiving lines).
    public var failedReopens: Int { reopenFailures.load(ordering: .relaxed) }

    /// Writes every line recorded so far before returning. Blocks: never call it on an EventLoop.
    public func flush() {
        drain()
    }

    /// Writes what is pending, stops the writer thread and closes a file destination. Idempotent.
    ///
    /// Waits at most `closeTimeout` for the writer: when the output is stalled (a reader that
    /// stopped reading stdout), it gives up, leaves the descriptor to the blocked writer and
    /// returns, so shutdown still ends; the lines not written by then are lost with the process.
    public func close() {
        guard closed.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
        else { return }
        wake.signal()
        let nanoseconds = Int(max(closeTimeout.nanosecondsClamped, 0))
        guard finished.wait(timeout: .now() + .nanoseconds(nanoseconds)) == .success else {
            writeFailures.wrappingAdd(1, ordering: .relaxed)
            return
        }
        guard destination.ownsDescriptor else { return }
        drainState.withLock { state in
            DescriptorOutput.close(state.descriptor)
            // Never closed twice: the number may belong to another file by now.
            state.descriptor = -1
        }
    }

    private func registerShard() -> AuditShard {
        let shard = AuditShard()
        local.currentValue = shard
        shards.withLock { $0.append(shard) }
        return shard
    }

    private func runWriter() {
        let nanoseconds = max(Int(JSONObjectWriter.microseconds(flushInterval)) * 1000, 1_000_000)
        while true {
            _ = wake.wait(timeout: .now() + .nanoseconds(nanoseconds))
            let stopping = closed.load(ordering: .acquiring)
            drain()
            if stopping { break }
        }
        finished.signal()
    }

    /// Swaps each shard's lines out and writes them, one `write(2)` batch per shard.
    private func drain() {
        let current = shards.withLock { $0 }
        drainState.withLock { state in
            if reopenRequested.exchange(false, ordering: .acquiring), state.descriptor >= 0 {
                do {
                    let fresh = try destination.open()
                    DescriptorOutput.close(state.descriptor)
                    state.descriptor = fresh
                    state.output.restart()
                } catch {
                    reopenFailures.wrappingAdd(1, ordering: .relaxed)
                    // Every time: a reopen follows a reload or SIGHUP, never a flood.
                    logger?.error(
                        "reopening the audit log failed; lines still go to the file opened before",
                        metadata: [
                            "audit": "\(destination.name)",
                            "error": "\((error as? AuditLogError)?.description ?? "\(error)")",
                        ])
                }
            }
            for shard in current {
                let lines = shard.take(into: &state.spare)
                guard !state.spare.isEmpty else { continue }
                let descriptor = state.descriptor
                var failure: Int32 = 0
                let lost = state.output.write(state.spare, lines: lines) { batch in
                    let written =
                        sharesStandardError
                        ? Self.writeSharingTheLock(batch, to: descriptor)
                        : DescriptorOutput.write(batch, to: descriptor)
                    if written < batch.count { failure = errno }
                    return written
                }
                if lost > 0 || state.output.isMidLine {
                    writeFailures.wrappingAdd(1, ordering: .relaxed)
                    dropped.wrappingAdd(lost, ordering: .relaxed)
                    report(failure: failure, lost: lost, state: &state)
                } else if state.failing {
                    // Said once, with the lines lost since the last report (none is left unsaid).
                    logger?.info(
                        "writing the audit log works again",
                        metadata: ["lines_lost": "\(state.lostSinceReport)", "audit": "\(destination.name)"])
                    state.failing = false
                    state.lostSinceReport = 0
                    state.lastReport = nil
                }
            }
            state.spare.removeAll(keepingCapacity: state.spare.capacity <= 4 * wakeBytes)
        }
    }

    /// Says on the operational log that writing failed: the first time at once, then at most once
    /// per `problemInterval`, with the lines lost since the last line.
    private func report(failure: Int32, lost: Int, state: inout DrainState) {
        state.lostSinceReport += lost
        let now = ContinuousClock.now
        if let last = state.lastReport, now - last < Self.problemInterval { return }
        var metadata: Logger.Metadata = ["lines_lost": "\(state.lostSinceReport)", "audit": "\(destination.name)"]
        if failure != 0 { metadata["error"] = "\(String(cString: strerror(failure)))" }
        logger?.error(
            "writing the audit log failed; lines are dropped (actiongate_audit_lines_dropped_total) until it works",
            metadata: metadata)
        state.lastReport = now
        state.lostSinceReport = 0
        state.failing = true
    }

    /// Writes `batch` to a descriptor the operational log also writes to, in line-aligned pieces
    /// of at most `sharedChunkBytes`, each under the shared lock: a log line waits for one piece,
    /// not for a whole batch. Returns the bytes written.
    static func writeSharingTheLock(_ batch: [UInt8], to descriptor: Int32) -> Int {
        var start = 0
        while start < batch.count {
            var end = min(start + sharedChunkBytes, batch.count)
            if end < batch.count, let lineEnd = batch[start..<end].lastIndex(of: 0x0A) { end = lineEnd + 1 }
            let piece = start..<end
            let written = batch.withUnsafeBytes { bytes in
                DescriptorOutput.standardStreams.withLock { _ in
                    DescriptorOutput.write(UnsafeRawBufferPointer(rebasing: bytes[piece]), to: descriptor)
                }
            }
            start += written
            guard written == piece.count else { break }
        }
        return start
    }

    /// The largest piece written under the lock shared with the operational log.
    static let sharedChunkBytes = 64 * 1024

    /// What only the draining side touches.
    private struct DrainState {
        var descriptor: Int32
        var spare: [UInt8] = []
        /// Whole lines even after a write that failed part-way.
        var output = LineOutput()
        /// When `report` last logged, the lines lost since, and whether writing is failing (so
        /// its recovery is said).
        var lastReport: ContinuousClock.Instant?
        var lostSinceReport = 0
        var failing = false
    }
}
