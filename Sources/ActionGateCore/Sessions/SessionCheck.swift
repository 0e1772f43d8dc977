/// The outcome of reading the session cookie of a request.
///
/// Anything but `.valid` means the request is anonymous; the reason goes to the audit log only.
public enum SessionCheck: Sendable, Equatable {
    /// No session cookie was sent.
    case absent
    /// A cookie was sent but does not authenticate anyone. `reason` is a stable code: a token error
    /// code (`expired`, `unknown_key`, `bad_tag`, `malformed`, …), `duplicate_cookie` (the name sent
    /// twice: ambiguous, so neither counts), `max_age` (older than `max_age` since sign-in) or
    /// `bad_claims` (the sealed claims lack a valid `sub`).
    case invalid(reason: String)
    case valid(Session)

    /// The session, when valid.
    public var session: Session? {
        if case .valid(let session) = self { return session }
        return nil
    }
}
