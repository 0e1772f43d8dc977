import ActionGateCore
import ActionGateCrypto
import Foundation
import Logging
import Synchronization
import Testing

@testable import ActionGateServer

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The audit line for each kind of record, and the bounded writer behind `AuditLog`.
@Suite struct AuditLogTests {
    static func record(
        outcome: RequestRecord.Outcome, status: Int, audit: AuditFacts? = nil,
        sessionEvent: ResponseRewrite.SessionEvent? = nil, upstream: String? = nil
    ) -> RequestRecord {
        RequestRecord(
            requestID: "req-1", peer: "10.0.0.5", method: "POST", target: "/actions/x?token=abc",
            forwardedTarget: audit == nil ? nil : "/actions/x?token=abc", outcome: outcome, status: status,
            audit: audit, sessionEvent: sessionEvent, upstream: upstream,
            upstreamLatency: upstream == nil ? nil : .microseconds(1500), totalLatency: .microseconds(2250),
            bytesIn: 10, bytesOut: 20)
    }

    static func line(_ record: RequestRecord) throws -> [String: JSONValue] {
        var bytes: [UInt8] = []
        AuditLineEncoder.append(record, time: LogTimestamp(unixMilliseconds: 0), to: &bytes)
        #expect(bytes.last == UInt8(ascii: "\n"))
        #expect(bytes.filter { $0 == UInt8(ascii: "\n") }.count == 1)
        return try #require(members(JSONValue(parsing: bytes.dropLast())))
    }

    static let facts = AuditFacts(
        routeMode: "actions", route: "/", action: "x", subject: "alice", policyRule: "admins.allow[0]",
        sessionKeyID: "0000000a", clientAddress: "203.0.113.9", shadowDenial: .forbidden)

    @Test func forwardedLineCarriesTheGateFacts() throws {
        let line = try Self.line(
            Self.record(outcome: .forwarded(status: 201), status: 201, audit: Self.facts, upstream: "app"))
        #expect(line["time"] == .string("1970-01-01T00:00:00.000Z"))
        #expect(line["request_id"] == .string("req-1"))
        #expect(line["client"] == .string("203.0.113.9"))
        #expect(line["peer"] == .string("10.0.0.5"))
        #expect(line["path"] == .string("/actions/x"))
        #expect(line["verdict"] == .string("forward"))
        #expect(line["status"] == .number(201))
        #expect(line["upstream_status"] == .number(201))
        #expect(line["policy_rule"] == .string("admins.allow[0]"))
        #expect(line["shadow_denial"] == .string("forbidden"))
        #expect(line["subject"] == .string("alice"))
        #expect(line["key_ids"] == .array([.string("0000000a")]))
        #expect(line["upstream_ms"] == .number(1.5))
        #expect(line["total_ms"] == .number(2.25))
        #expect(line["bytes_in"] == .number(10))
        #expect(line["bytes_out"] == .number(20))
        #expect(line["reason"] == nil)
    }

    static let sessionEventCases: [(ResponseRewrite.SessionEvent, String)] = [
        (.issued, "issued"), (.cleared, "cleared"), (.refused(reason: "invalid_subject"), "refused:invalid_subject"),
    ]

    @Test(arguments: sessionEventCases)
    func sessionEventIsNamed(_ event: ResponseRewrite.SessionEvent, _ expected: String) throws {
        let record = Self.record(outcome: .forwarded(status: 200), status: 200, audit: Self.facts, sessionEvent: event)
        #expect(try Self.line(record)["session_event"] == .string(expected))
    }

    @Test func rejectedLineHasReasonAndDetailButNoUpstreamStatus() throws {
        let rejection = Rejection(.boundArgsRejected, detail: "bound arguments: bad_tag", action: "x")
        let line = try Self.line(Self.record(outcome: .rejected(rejection), status: 403))
        #expect(line["verdict"] == .string("reject"))
        #expect(line["outcome"] == .string("rejected"))
        #expect(line["reason"] == .string("bound_args_rejected"))
        #expect(line["detail"] == .string("bound arguments: bad_tag"))
        #expect(line["action"] == .string("x"))
        #expect(line["client"] == .string("10.0.0.5"))
        #expect(line["path"] == .string("/actions/x"))
        #expect(line["upstream_status"] == nil)
        #expect(line["route"] == nil)
    }

    @Test func abortedLineHasDetailAndNoVerdictWithoutAPlan() throws {
        let line = try Self.line(Self.record(outcome: .aborted(detail: "client connection closed"), status: 0))
        #expect(line["verdict"] == nil)
        #expect(line["outcome"] == .string("aborted"))
        #expect(line["status"] == .number(0))
        #expect(line["detail"] == .string("client connection closed"))
    }

    @Test func unparsedRequestsLogNoMethodOrPath() throws {
        var record = Self.record(outcome: .rejected(Rejection(.malformedRequest)), status: 400)
        record.method = ""
        record.target = ""
        let line = try Self.line(record)
        #expect(line["method"] == nil && line["path"] == nil)
        #expect(line["reason"] == .string("malformed_request"))
    }

    @Test func writesEveryLineToAFileAndOnClose() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("audit-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let log = try AuditLog(destination: .file(path), flushInterval: .seconds(3600))
        let record = Self.record(outcome: .forwarded(status: 200), status: 200, audit: Self.facts)
        // From several threads at once: every line arrives whole.
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            for _ in 0..<250 { log.record(record) }
        }
        log.close()
        log.record(record)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1000)
        #expect(lines.allSatisfy { (try? JSONValue(parsing: $0)) != nil })
        #expect(log.droppedLines == 0)
        var info = stat()
        #expect(stat(path, &info) == 0 && info.st_mode & 0o777 == 0o640)
    }

    /// logrotate moves the file away and sends SIGHUP (which reloads and calls `reopen`): lines
    /// from then on go to a new file at the configured path, none are lost.
    @Test func reopenAfterRotationWritesToTheNewFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("audit-\(UUID().uuidString).log").path
        let rotated = path + ".1"
        defer {
            try? FileManager.default.removeItem(atPath: path)
            try? FileManager.default.removeItem(atPath: rotated)
        }
        let log = try AuditLog(destination: .file(path), flushInterval: .seconds(3600))
        defer { log.close() }
        let record = Self.record(outcome: .forwarded(status: 200), status: 200, audit: Self.facts)
        for _ in 0..<3 { log.record(record) }
        log.flush()
        #expect(rename(path, rotated) == 0)
        log.record(record)
        log.reopen()
        log.record(record)
        log.flush()
        let old = try String(contentsOfFile: rotated, encoding: .utf8).split(separator: "\n")
        let fresh = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(old.count == 3)
        #expect(fresh.count == 2)
        #expect(log.droppedLines == 0 && log.failedReopens == 0)

        // A path that cannot be reopened keeps the current file and counts the failure.
        #expect(rename(path, rotated) == 0)
        #expect(mkdir(path, 0o700) == 0)
        defer { rmdir(path) }
        log.reopen()
        log.record(record)
        log.flush()
        #expect(log.failedReopens == 1)
        #expect(try String(contentsOfFile: rotated, encoding: .utf8).split(separator: "\n").count == 3)

        // After close, a late reopen (a reload racing shutdown) opens and closes nothing.
        log.close()
        log.reopen()
        log.flush()
        #expect(log.failedReopens == 1)
    }

    /// The JSON lines an operational logger wrote.
    final class LogLines: Sendable {
        let lines = Mutex<[String]>([])
        var all: [String] { lines.withLock { $0 } }

        var logger: Logger {
            let output = JSONLogOutput { bytes in
                self.lines.withLock { $0.append(String(decoding: bytes, as: UTF8.self)) }
            }
            return Logger(label: "actiongate.audit") { JSONLogHandler(label: $0, level: .info, output: output) }
        }
    }

    /// A full disk (`/dev/full` answers every write with ENOSPC): the lines are counted as dropped,
    /// and the operational log says so — once per interval, with the reason and the lines lost —
    /// and says when writing works again, with the lines lost since.
    @Test func failingWritesAreSaidOnTheOperationalLog() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("audit-\(UUID().uuidString)").path
        #expect(mkdir(folder, 0o700) == 0)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/audit.log"
        #expect(symlink("/dev/full", path) == 0)
        let lines = LogLines()
        let log = try AuditLog(destination: .file(path), flushInterval: .seconds(3600), logger: lines.logger)
        defer { log.close() }
        let record = Self.record(outcome: .forwarded(status: 200), status: 200, audit: Self.facts)
        for _ in 0..<3 { log.record(record) }
        log.flush()
        for _ in 0..<2 { log.record(record) }
        log.flush()
        #expect(log.droppedLines == 5)
        let written = lines.all
        #expect(written.count == 1, "one line within the interval: \(written)")
        let line = try #require(written.first)
        #expect(line.contains("writing the audit log failed; lines are dropped"), "\(line)")
        #expect(line.contains("No space left on device"), "\(line)")
        #expect(line.contains("\"lines_lost\":\"3\""), "\(line)")
        #expect(line.contains("\"audit\":\"\(path)\""), "\(line)")

        // Room again (a rotation to a disk with space): one line says so, with the 2 lines lost
        // since the first report.
        #expect(unlink(path) == 0)
        log.reopen()
        log.record(record)
        log.flush()
        let after = lines.all
        #expect(after.count == 2, "\(after)")
        #expect(after.last?.contains("writing the audit log works again") == true, "\(after)")
        #expect(after.last?.contains("\"lines_lost\":\"2\"") == true, "\(after)")
        #expect(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").count == 1)
    }

    /// A reopen that fails (the folder moved away after rotation) is said every time, with why.
    @Test func aFailedReopenIsSaidOnTheOperationalLog() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("audit-\(UUID().uuidString)").path
        #expect(mkdir(folder, 0o700) == 0)
        defer { try? FileManager.default.removeItem(atPath: folder + ".old") }
        let lines = LogLines()
        let log = try AuditLog(
            destination: .file(folder + "/audit.log"), flushInterval: .seconds(3600), logger: lines.logger)
        defer { log.close() }
        #expect(rename(folder, folder + ".old") == 0)
        log.reopen()
        log.flush()
        #expect(log.failedReopens == 1)
        let line = try #require(lines.all.first)
        #expect(line.contains("reopening the audit log failed; lines still go to the file opened before"), "\(line)")
        #expect(line.contains("cannot open the audit log for appending (No such file or directory)"), "\(line)")
    }

    /// A FIFO already full (written until it would block), so the audit writer blocks in write(2)
    /// like on a stalled stdout; its read end is open. Returns the path, the read end and the
    /// bytes prefilled. Unlink the path when done.
    static func fullFIFO() throws -> (path: String, reader: Int32, prefilled: Int) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("audit-\(UUID().uuidString).fifo").path
        #expect(mkfifo(path, 0o600) == 0)
        let reader = open(path, O_RDONLY | O_NONBLOCK)
        #expect(reader >= 0)
        let filler = open(path, O_WRONLY | O_NONBLOCK)
        let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 4096)
        var prefilled = 0
        while case let written = write(filler, chunk, chunk.count), written > 0 { prefilled += written }
        close(filler)
        return (path, reader, prefilled)
    }

    @Test func aStalledReaderDropsAndCountsLinesInsteadOfBlocking() throws {
        let (path, reader, prefilled) = try Self.fullFIFO()
        defer { unlink(path) }
        let log = try AuditLog(
            destination: .file(path), maxBufferedBytesPerThread: 8192, flushInterval: .milliseconds(1))
        let record = Self.record(outcome: .forwarded(status: 200), status: 200, audit: Self.facts)
        var calls = 0
        while log.droppedLines == 0, calls < 100_000 {
            log.record(record)
            calls += 1
        }
        #expect(log.droppedLines > 0, "record() kept returning; lines beyond the bound are dropped")
        // Drain the pipe on another thread so the writer can finish, then close.
        let received = Mutex<[UInt8]>([])
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            var buffer = [UInt8](repeating: 0, count: 65536)
            var idle = 0
            while idle < 5000 {
                let count = read(reader, &buffer, buffer.count)
                if count > 0 {
                    received.withLock { $0.append(contentsOf: buffer[..<count]) }
                    idle = 0
                } else if count == 0 {
                    break
                } else {
                    idle += 1
                    usleep(1000)
                }
            }
            done.signal()
        }
        log.close()
        done.wait()
        close(reader)
        let bytes = received.withLock { $0 }
        #expect(bytes.count > prefilled)
        let lines = bytes.dropFirst(prefilled).split(separator: UInt8(ascii: "\n"))
        #expect(lines.count == calls - log.droppedLines, "every line not counted as dropped was written")
        #expect(lines.allSatisfy { (try? JSONValue(parsing: $0)) != nil })
    }

    /// `close()` at shutdown does not wait forever for a reader that stopped reading: it returns
    /// after its timeout with the writer still blocked (which finishes once the reader drains).
    @Test func closeGivesUpOnAStalledReader() throws {
        let (path, reader, _) = try Self.fullFIFO()
        defer { unlink(path) }
        let log = try AuditLog(
            destination: .file(path), maxBufferedBytesPerThread: 8192, flushInterval: .milliseconds(1),
            closeTimeout: .milliseconds(300))
        let record = Self.record(outcome: .forwarded(status: 200), status: 200, audit: Self.facts)
        for _ in 0..<200 { log.record(record) }
        usleep(50_000)  // the writer is blocked in write(2) on the full pipe now
        let started = ContinuousClock.now
        log.close()
        let waited = ContinuousClock.now - started
        #expect(waited >= .milliseconds(250) && waited < .seconds(3), "\(waited)")
        // Let the blocked writer finish before the pipe goes away.
        var buffer = [UInt8](repeating: 0, count: 65536)
        var idle = 0
        while idle < 500 {
            if read(reader, &buffer, buffer.count) > 0 {
                idle = 0
            } else {
                idle += 1
                usleep(1000)
            }
        }
        close(reader)
    }
}

/// Which descriptors share a file (the audit log then writes under the operational log's lock).
@Suite struct SharedOutputTests {
    @Test func descriptorsOnOnePipeAreTheSameFileAndTwoPipesAreNot() {
        var first: [Int32] = [0, 0]
        var second: [Int32] = [0, 0]
        #expect(pipe(&first) == 0 && pipe(&second) == 0)
        let duplicate = dup(first[1])
        defer { for fd in first + second + [duplicate] { close(fd) } }
        #expect(DescriptorOutput.sameFile(first[1], duplicate))
        #expect(DescriptorOutput.sameFile(first[0], first[1]))
        #expect(!DescriptorOutput.sameFile(first[1], second[1]))
        #expect(!DescriptorOutput.sameFile(first[1], -1))
    }

    /// A batch larger than one piece goes out whole and in order, piece by piece under the lock.
    @Test func aLargeBatchIsWrittenWholeInPieces() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer { close(ends[0]) }
        let lines = (0..<6000).map { "{\"line\":\($0),\"pad\":\"\(String(repeating: "x", count: $0 % 50))\"}\n" }
        let batch = Array(lines.joined().utf8)
        #expect(batch.count > 3 * AuditLog.sharedChunkBytes)
        let received = Mutex<[UInt8]>([])
        let done = DispatchSemaphore(value: 0)
        let reader = ends[0]
        DispatchQueue.global().async {
            var buffer = [UInt8](repeating: 0, count: 65536)
            while case let count = read(reader, &buffer, buffer.count), count > 0 {
                received.withLock { $0.append(contentsOf: buffer[..<count]) }
            }
            done.signal()
        }
        #expect(AuditLog.writeSharingTheLock(batch, to: ends[1]) == batch.count)
        close(ends[1])
        done.wait()
        #expect(received.withLock { $0 } == batch)
    }
}

/// `LineOutput`: a batch that fails part-way leaves no line glued to the next batch.
@Suite struct LineOutputTests {
    /// A writer that takes at most `budget` bytes per call in total, then fails.
    final class Sink {
        var bytes: [UInt8] = []
        var budget: Int
        init(budget: Int) { self.budget = budget }
        func write(_ batch: [UInt8]) -> Int {
            let taken = min(batch.count, max(budget, 0))
            bytes += batch[..<taken]
            budget -= taken
            return taken
        }
    }

    static func lines(_ texts: [String]) -> [UInt8] { Array(texts.map { $0 + "\n" }.joined().utf8) }

    @Test func aBatchCutShortIsEndedBeforeTheNext() {
        var output = LineOutput()
        let sink = Sink(budget: 10)
        let first = Self.lines(["{\"a\":1}", "{\"b\":22}"])  // 8 + 9 bytes: cut 2 bytes into the second line
        #expect(output.write(first, lines: 2) { sink.write($0) } == 1)
        #expect(output.isMidLine)
        sink.budget = .max
        #expect(output.write(Self.lines(["{\"c\":3}"]), lines: 1) { sink.write($0) } == 0)
        #expect(!output.isMidLine)
        let written = String(decoding: sink.bytes, as: UTF8.self).split(
            separator: "\n", omittingEmptySubsequences: false)
        #expect(written == ["{\"a\":1}", "{\"", "{\"c\":3}", ""])
    }

    @Test func aCutAtALineEndNeedsNoLineFeed() {
        var output = LineOutput()
        let sink = Sink(budget: 8)
        #expect(output.write(Self.lines(["{\"a\":1}", "{\"b\":2}"]), lines: 2) { sink.write($0) } == 1)
        #expect(!output.isMidLine)
        sink.budget = .max
        #expect(output.write(Self.lines(["{\"c\":3}"]), lines: 1) { sink.write($0) } == 0)
        #expect(String(decoding: sink.bytes, as: UTF8.self) == "{\"a\":1}\n{\"c\":3}\n")
    }

    @Test func whileTheOutputStillFailsEveryLineIsDropped() {
        var output = LineOutput()
        let sink = Sink(budget: 3)
        #expect(output.write(Self.lines(["{\"a\":1}"]), lines: 1) { sink.write($0) } == 1)
        #expect(output.write(Self.lines(["{\"b\":2}", "{\"c\":3}"]), lines: 2) { sink.write($0) } == 2)
        #expect(output.isMidLine)
        output.restart()
        #expect(!output.isMidLine)
    }
}
