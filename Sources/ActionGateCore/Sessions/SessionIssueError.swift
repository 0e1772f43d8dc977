/// Why the gateway refused to turn an upstream's `X-ActionGate-Session` into a cookie.
///
/// These are handler or configuration faults, logged as such; the client just gets no cookie.
public enum SessionIssueError: String, Error, Sendable, Equatable {
    /// The header is neither `clear` nor a JSON object.
    case notAnObject = "session_claims_not_object"
    /// `sub` is missing, not a string, empty, over 256 bytes, or not printable ASCII without spaces.
    case invalidSubject = "session_invalid_sub"
    /// The sealed cookie would exceed 4,000 bytes, which browsers may drop.
    case cookieTooLarge = "session_cookie_too_large"
    /// The keyring has no active key.
    case noActiveKey = "session_no_active_key"
    /// Sealing failed (OpenSSL, or the key reached its seal limit).
    case sealFailed = "session_seal_failed"
}
