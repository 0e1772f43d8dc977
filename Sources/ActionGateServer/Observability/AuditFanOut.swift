/// Hands each record to two sinks in turn (e.g. `GatewayMetrics`, then the `AuditLog`).
public struct AuditFanOut: AuditSink {
    private let first: any AuditSink
    private let second: any AuditSink

    /// A sink that records to `first`, then to `second`.
    public init(_ first: any AuditSink, _ second: any AuditSink) {
        self.first = first
        self.second = second
    }

    /// Records `event` in both sinks.
    public func record(_ event: RequestRecord) {
        first.record(event)
        second.record(event)
    }

    /// Reopens both sinks.
    public func reopen() {
        first.reopen()
        second.reopen()
    }
}
