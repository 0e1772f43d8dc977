import ActionGateCore

/// Turns a `RequestRecord` into one JSON audit line (docs/operations.md lists the fields).
///
/// What never appears: the query string (it may carry tokens or personal data), cookies, header
/// values, token bodies, request or response bodies. Values a client influences (method, path,
/// subject, details) are cut to `valueLimit` scalars and escaped by `JSONObjectWriter`.
enum AuditLineEncoder {
    /// Longest value, in Unicode scalars, for anything a client influences.
    static let valueLimit = 100

    /// Appends the line for `record`, stamped `time`, to `bytes`.
    static func append(_ record: RequestRecord, time: LogTimestamp, to bytes: inout [UInt8]) {
        JSONObjectWriter.appendLine(to: &bytes) { encode(record, time: time, into: &$0) }
    }

    private static func encode(_ record: RequestRecord, time: LogTimestamp, into line: inout JSONObjectWriter) {
        let limit = valueLimit
        let audit = record.audit
        line.member("time")
        time.appendQuoted(into: &line.bytes)
        line.string("request_id", record.requestID, limit: limit)
        line.string("client", audit?.clientAddress ?? record.peer, limit: limit)
        line.string("peer", record.peer, limit: limit)
        if !record.method.isEmpty { line.string("method", record.method, limit: limit) }
        let target = record.forwardedTarget ?? record.target
        if !target.isEmpty { line.string("path", path(of: target), limit: limit) }
        if let audit {
            line.string("route", audit.route, limit: limit)
            line.string("route_mode", audit.routeMode, limit: limit)
        }
        if let action = audit?.action ?? record.rejection?.action { line.string("action", action, limit: limit) }
        encodeOutcome(record, into: &line)
        if let rule = audit?.policyRule { line.string("policy_rule", rule, limit: limit) }
        if let shadow = audit?.shadowDenial { line.string("shadow_denial", shadow.rawValue, limit: limit) }
        if let subject = audit?.subject { line.string("subject", subject, limit: limit) }
        if let keys = audit?.keyIDs ?? record.rejection?.sessionKeyID.map({ [$0] }), !keys.isEmpty {
            line.strings("key_ids", keys, limit: limit)
        }
        if let event = record.sessionEvent { encodeSessionEvent(event, into: &line) }
        if let upstream = record.upstream { line.string("upstream", upstream, limit: limit) }
        if case .forwarded(let status) = record.outcome { line.integer("upstream_status", status) }
        if let latency = record.upstreamLatency { line.milliseconds("upstream_ms", latency) }
        line.milliseconds("total_ms", record.totalLatency)
        line.integer("bytes_in", record.bytesIn)
        line.integer("bytes_out", record.bytesOut)
    }

    /// `verdict` (the Gate's word: forward or reject), `outcome`, `status`, `reason`, `detail`.
    private static func encodeOutcome(_ record: RequestRecord, into line: inout JSONObjectWriter) {
        if record.audit != nil {
            line.code("verdict", "forward")
        } else if case .rejected = record.outcome {
            line.code("verdict", "reject")
        }
        switch record.outcome {
        case .forwarded: line.code("outcome", "forwarded")
        case .rejected: line.code("outcome", "rejected")
        case .aborted: line.code("outcome", "aborted")
        }
        line.integer("status", record.status)
        switch record.outcome {
        case .forwarded:
            break
        case .rejected(let rejection):
            line.string("reason", rejection.reason.rawValue, limit: valueLimit)
            if let detail = rejection.detail { line.string("detail", detail, limit: valueLimit) }
        case .aborted(let detail):
            line.string("detail", detail, limit: valueLimit)
        }
    }

    private static func encodeSessionEvent(_ event: ResponseRewrite.SessionEvent, into line: inout JSONObjectWriter) {
        switch event {
        case .issued: line.code("session_event", "issued")
        case .cleared: line.code("session_event", "cleared")
        case .refused(let reason): line.string("session_event", "refused:" + reason, limit: valueLimit)
        }
    }

    /// The target without its query (`/a/b?x=1` → `/a/b`).
    static func path(of target: String) -> Substring {
        guard let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return target[...] }
        return target[..<mark]
    }
}

extension RequestRecord {
    /// The rejection, when the request was refused.
    var rejection: Rejection? {
        if case .rejected(let rejection) = outcome { return rejection }
        return nil
    }
}
