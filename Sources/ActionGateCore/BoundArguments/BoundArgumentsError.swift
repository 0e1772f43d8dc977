/// Why a seal request for bound arguments was refused (the `/v1/seal` endpoint and `actiongate seal`).
public enum BoundArgumentsError: Error, Sendable, Equatable {
    /// The request body is not the documented JSON object; `detail` says what is wrong.
    case invalidRequest(String)
    /// The action id is not configured.
    case unknownAction
    /// The ttl is not a positive duration within `bound_args.max_ttl`.
    case invalidTTL
    /// The arguments exceed `bound_args.max_size` bytes (HTTP 413).
    case argumentsTooLarge
    /// The subject is not printable ASCII without spaces, 1–256 bytes.
    case invalidSubject
    /// The keyring has no active key.
    case noActiveKey
    /// Sealing failed in OpenSSL or the key reached its seal limit; retry after rotating.
    case sealFailed

    /// A stable code for logs and error bodies.
    public var code: String {
        switch self {
        case .invalidRequest: "invalid_request"
        case .unknownAction: "unknown_action"
        case .invalidTTL: "invalid_ttl"
        case .argumentsTooLarge: "args_too_large"
        case .invalidSubject: "invalid_subject"
        case .noActiveKey: "no_active_key"
        case .sealFailed: "seal_failed"
        }
    }
}
