import ActionGateCrypto

/// Who is making a request: the subject and claims of a valid session (DESIGN.md "Sessions").
///
/// `nil` wherever an `Identity?` is taken means "no valid session" (none presented, or an invalid one).
public struct Identity: Sendable, Equatable {
    /// The session's `sub` claim.
    public let subject: String
    /// Every claim of the session, `sub` included.
    public let claims: [String: JSONValue]

    /// An identity with a subject and claims.
    public init(subject: String, claims: [String: JSONValue] = [:]) {
        self.subject = subject
        self.claims = claims
    }
}
