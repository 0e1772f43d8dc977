import ActionGateCore

/// Why an upstream exchange failed. Before the response head reached the client it becomes a
/// rejection; afterwards the client connection is closed.
enum UpstreamFailure: Error, Equatable {
    /// The TCP connect failed or timed out.
    case connectFailed(String)
    /// The connection closed or reset before a complete response head arrived.
    case closedBeforeResponse
    /// The connection closed or reset while the response body was being relayed.
    case closedMidResponse
    /// The upstream sent something that is not a valid HTTP/1.1 response.
    case protocolError(String)
    /// The upstream answered `101 Switching Protocols`; the gateway never switches.
    case switchedProtocols
    /// The response head did not arrive within `requestTimeout`.
    case timedOut
    /// No connection became free within `requestTimeout`, or the wait queue was full.
    case busy
    /// The plan named an upstream the snapshot does not have.
    case unknownUpstream

    /// The rejection a client gets when this happens before its response started.
    var rejection: Rejection {
        switch self {
        case .timedOut: Rejection(.upstreamTimeout, detail: detail)
        case .busy: Rejection(.upstreamBusy, detail: detail)
        default: Rejection(.upstreamUnavailable, detail: detail)
        }
    }

    /// Text for the audit log.
    var detail: String {
        switch self {
        case .connectFailed(let why): "upstream connect failed: \(why)"
        case .closedBeforeResponse: "upstream closed before the response head"
        case .closedMidResponse: "upstream closed mid-response"
        case .protocolError(let why): "upstream protocol error: \(why)"
        case .switchedProtocols: "upstream answered 101 Switching Protocols"
        case .timedOut: "no upstream response head within the request timeout"
        case .busy: "no upstream connection free"
        case .unknownUpstream: "the plan names an unknown upstream"
        }
    }
}
