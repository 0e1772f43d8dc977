import ActionGateCore

/// Label values with a bounded set of values, so no client or upstream can grow the number of
/// series without limit.
enum MetricLabels {
    /// The label for "no such thing" (a request without an action, a rejection without a route).
    static let none = "none"
    /// The label a value outside the configured set collapses to.
    static let unknown = "unknown"

    /// Statuses the gateway answers itself or that operators commonly alert on keep their code;
    /// any other status collapses to its class (`2xx` … `5xx`), and nonsense to `other`.
    static let exactStatuses: Set<Int> = [
        200, 201, 202, 204, 206, 301, 302, 303, 304, 307, 308, 400, 401, 403, 404, 405, 406, 408, 409, 410, 412,
        413, 415, 421, 422, 429, 431, 500, 501, 502, 503, 504,
    ]

    /// The status label of each code 0...599, built once (no string formatting per request).
    private static let statusTable: [String] = (0...599).map { code in
        if code == 0 { return none }
        if exactStatuses.contains(code) { return String(code) }
        if code >= 100 { return "\(code / 100)xx" }
        return "other"
    }

    /// The `status` label of a response status (0: the connection closed before any status).
    static func status(_ code: Int) -> String {
        guard code >= 0, code < statusTable.count else { return "other" }
        return statusTable[code]
    }

    /// The `kind` label of `actiongate_upstream_errors_total` for a record, if the upstream failed.
    static func upstreamErrorKind(_ record: RequestRecord) -> String? {
        switch record.outcome {
        case .forwarded:
            return nil
        case .rejected(let rejection):
            switch rejection.reason {
            case .upstreamUnavailable: return "unavailable"
            case .upstreamTimeout: return "timeout"
            case .upstreamBusy: return "busy"
            default: return nil
            }
        case .aborted(let detail):
            // After the response started, only the upstream's own failures count (not a client that
            // went away): the data plane words those details "upstream …".
            return record.upstream != nil && detail.hasPrefix("upstream") ? "aborted" : nil
        }
    }
}

/// The `purpose` label of `actiongate_tokens_opened_total`.
enum TokenPurposeLabel: String, Hashable, CaseIterable {
    case session
    case boundArguments = "bound_args"
}
