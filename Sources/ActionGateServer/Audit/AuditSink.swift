/// Receives one `RequestRecord` per request the gateway answered (or gave up on).
///
/// `record` runs on the EventLoop that served the request, after its response ended: it must not
/// block. A sink that does I/O hands the record to its own queue.
public protocol AuditSink: Sendable {
    /// Records one finished request.
    func record(_ event: RequestRecord)

    /// Reopens a file destination (after log rotation moved it away); called on every reload,
    /// SIGHUP included. Must not block. The default does nothing.
    func reopen()
}

extension AuditSink {
    /// Nothing to reopen.
    public func reopen() {}
}

/// The default sink: drops every record (no output, no cost beyond building the record).
public struct NoAuditSink: AuditSink {
    /// Creates the sink.
    public init() {}

    /// Drops `event`.
    public func record(_ event: RequestRecord) {}
}
