/// The outcome of opening a request's bound-arguments token.
public enum BoundArgumentsCheck: Sendable, Equatable {
    /// The request carried no token.
    case absent
    /// The token opened for this action (and subject): `json` is the sealed arguments exactly as
    /// sealed; `keyID` the key that opened it (8 lowercase hex digits).
    case valid(json: [UInt8], keyID: String)
    /// The token did not open; `reason` is the failing check (`bad_tag`, `expired`, `unknown_key`,
    /// `malformed`, `wrong_purpose`, `multiple_tokens`, …) for the audit log, never for the client.
    case rejected(reason: String)
}
