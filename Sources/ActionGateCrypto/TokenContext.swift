/// What a token is bound to; it becomes part of the AAD, so a token opens only in the same context.
///
/// A different cookie name, action or subject makes the tag fail: the opener reports `bad_tag`,
/// indistinguishable from forgery by design.
public enum TokenContext: Sendable, Hashable {
    /// A session cookie with this name (purpose 0x01).
    case session(cookieName: String)
    /// Bound arguments for `action`; with a subject they are tied to that user too (purpose 0x03),
    /// without one (nil) they are not (0x02). An opener that knows the subject still opens 0x02 tokens;
    /// an opener without a subject never opens 0x03 tokens.
    case boundArguments(action: String, subject: String?)

    /// The purpose a token sealed in this context carries.
    public var sealingPurpose: TokenPurpose {
        switch self {
        case .session: .session
        case .boundArguments(_, let subject): subject == nil ? .boundArguments : .subjectBoundArguments
        }
    }

    /// Whether a token whose header says `purpose` belongs to this kind of context.
    func accepts(_ purpose: TokenPurpose) -> Bool {
        switch self {
        case .session: purpose == .session
        case .boundArguments: purpose == .boundArguments || purpose == .subjectBoundArguments
        }
    }

    /// Appends the context bytes for a token of `purpose`; false when this context cannot produce them
    /// (a 0x03 token without a subject, or an action id containing 0x00, which would make the
    /// action/subject split ambiguous).
    func appendBytes(for purpose: TokenPurpose, to output: inout [UInt8]) -> Bool {
        switch self {
        case .session(let cookieName):
            output.append(contentsOf: cookieName.utf8)
            return true
        case .boundArguments(let action, let subject):
            guard !action.utf8.contains(0) else { return false }
            output.append(contentsOf: action.utf8)
            output.append(0)
            if purpose == .subjectBoundArguments {
                guard let subject else { return false }
                output.append(contentsOf: subject.utf8)
            }
            return true
        }
    }
}
