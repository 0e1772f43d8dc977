/// Why the gateway refused to turn an upstream's `X-ActionGate-Session` into a cookie.
///
/// These are handler or configuration faults, logged as such; the client just gets no cookie.
public enum SessionIssueError: String, Error, Sendable, Equatable {
    /// The header is neither `clear` nor a JSON object.
    case notAnObject = "session_claims_not_object"
    /// `sub` is missing, not a string, empty, over 256 bytes, or not printable ASCII without spaces.
    case invalidSubject = "session_invalid_sub"
    /// A number in the claims is not exactly a JSON-safe integer or fraction: its magnitude is 2^53
    /// or more, where doubles (and JavaScript) no longer tell neighbouring integers apart, so two
    /// user ids would reach the handler, and the policies, as one. Send large ids as strings.
    case inexactNumber = "session_inexact_number"
    /// The claims nest deeper than a sealed token's payload can hold (63 levels: the payload wraps
    /// them in one more).
    case tooDeep = "session_claims_too_deep"
    /// The sealed cookie would exceed 4,000 bytes, which browsers may drop.
    case cookieTooLarge = "session_cookie_too_large"
    /// The keyring has no active key.
    case noActiveKey = "session_no_active_key"
    /// Sealing failed (OpenSSL, or the key reached its seal limit).
    case sealFailed = "session_seal_failed"
}
