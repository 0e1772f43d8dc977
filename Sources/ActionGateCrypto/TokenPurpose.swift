/// What a sealed token is for; byte 1 of the token header (DESIGN.md "Sealed token format v1").
///
/// The purpose selects the HKDF subkey and the AAD context, so a token minted for one purpose can
/// never be opened as another.
public enum TokenPurpose: UInt8, Sendable, Hashable, CaseIterable {
    /// A session cookie; context = the cookie name.
    case session = 0x01
    /// Bound arguments for an action; context = action id || 0x00.
    case boundArguments = 0x02
    /// Bound arguments for an action and one subject; context = action id || 0x00 || subject.
    case subjectBoundArguments = 0x03

    /// The HKDF-SHA256 `info` string whose subkey seals and opens tokens of this purpose.
    public var hkdfInfo: String {
        switch self {
        case .session: "actiongate/v1 session"
        case .boundArguments, .subjectBoundArguments: "actiongate/v1 bound-args"
        }
    }
}
