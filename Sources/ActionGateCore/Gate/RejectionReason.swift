/// The stable reason codes of DESIGN.md "Request flow"; they appear in rejection bodies, the audit log
/// and metrics, so a raw value never changes once released.
public enum RejectionReason: String, Sendable, Equatable, CaseIterable {
    case malformedRequest = "malformed_request"
    case headersTooLarge = "headers_too_large"
    case unknownHost = "unknown_host"
    case invalidActionID = "invalid_action_id"
    case ambiguousAction = "ambiguous_action"
    case unknownAction = "unknown_action"
    /// No route's `path_prefix` covers the path (a configuration without a `/` route).
    case noRoute = "no_route"
    case methodNotAllowed = "method_not_allowed"
    case unsupportedContentType = "unsupported_content_type"
    case originRejected = "origin_rejected"
    case malformedOrigin = "malformed_origin"
    case bodyTooLarge = "body_too_large"
    case requestTimeout = "request_timeout"
    case unauthenticated = "unauthenticated"
    case forbidden = "forbidden"
    case boundArgsRejected = "bound_args_rejected"
    case upstreamUnavailable = "upstream_unavailable"
    case upstreamTimeout = "upstream_timeout"
    case upstreamBusy = "upstream_busy"
    case overloaded = "overloaded"

    /// The HTTP status that goes with the reason.
    public var status: Int {
        switch self {
        case .malformedRequest, .invalidActionID, .ambiguousAction, .malformedOrigin: 400
        case .unauthenticated: 401
        case .originRejected, .forbidden, .boundArgsRejected: 403
        case .unknownAction, .noRoute: 404
        case .methodNotAllowed: 405
        case .requestTimeout: 408
        case .bodyTooLarge: 413
        case .unsupportedContentType: 415
        case .unknownHost: 421
        case .headersTooLarge: 431
        case .upstreamUnavailable: 502
        case .upstreamBusy, .overloaded: 503
        case .upstreamTimeout: 504
        }
    }
}
