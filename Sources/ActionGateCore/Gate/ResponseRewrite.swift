/// The response head the client gets, and what the gateway did with the upstream's session header.
public struct ResponseRewrite: Sendable, Equatable {
    /// What happened to `X-ActionGate-Session`, for the audit log.
    public enum SessionEvent: Sendable, Equatable {
        /// A session cookie was issued (sign-in).
        case issued
        /// The session cookie was expired (logout).
        case cleared
        /// The header was refused: `reason` is a `SessionIssueError` code, `malformed_directive`, or
        /// `not_an_issuing_action` (a handler error: only `issues_session` actions may sign in).
        case refused(reason: String)
    }

    public var headers: HeaderFields
    public var sessionEvent: SessionEvent?

    public init(headers: HeaderFields, sessionEvent: SessionEvent? = nil) {
        self.headers = headers
        self.sessionEvent = sessionEvent
    }
}
