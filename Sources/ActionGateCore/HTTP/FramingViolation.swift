/// Why a request was refused at the HTTP/1.1 boundary (DESIGN.md step 1), before the Gate saw it.
///
/// The raw value is the audit-log detail; the client only sees the reason code.
public enum FramingViolation: String, Error, Equatable, Sendable {
    case unsupportedVersion = "unsupported_http_version"
    case targetNotOriginForm = "target_not_origin_form"
    case fragmentInTarget = "fragment_in_target"
    case backslashInPath = "backslash_in_path"
    case missingHost = "missing_host"
    case multipleHosts = "multiple_host_fields"
    case invalidContentLength = "invalid_content_length"
    case multipleContentLengths = "multiple_content_lengths"
    case contentLengthWithTransferEncoding = "content_length_with_transfer_encoding"
    case unsupportedTransferEncoding = "transfer_encoding_not_chunked"
    case transferEncodingInHTTP10 = "transfer_encoding_in_http_1_0"
    case tooManyHeaderFields = "too_many_header_fields"
    case headTooLarge = "head_too_large"
    case parseError = "parse_error"

    /// The reason code the client sees.
    public var reason: RejectionReason {
        switch self {
        case .tooManyHeaderFields, .headTooLarge: .headersTooLarge
        default: .malformedRequest
        }
    }

    /// The rejection sent to the client; `detail` adds the parser's own words for the log.
    public func rejection(detail: String? = nil) -> Rejection {
        Rejection(reason, detail: detail.map { "\(rawValue): \($0)" } ?? rawValue)
    }
}
