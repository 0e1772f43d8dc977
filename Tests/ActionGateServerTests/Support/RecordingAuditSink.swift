import ActionGateServer
import Synchronization

/// Keeps every audit record, for assertions.
final class RecordingAuditSink: AuditSink {
    private let records = Mutex<[RequestRecord]>([])

    func record(_ event: RequestRecord) {
        records.withLock { $0.append(event) }
    }

    var all: [RequestRecord] { records.withLock { $0 } }
}
