/// Why a sealed token did not open; `code` is the stable string used in logs, metrics and CLI output.
///
/// The cases follow the opening order in docs/token-format.md: the first check that fails is reported.
/// None carries token bytes, so reporting an error never echoes untrusted input.
public enum TokenError: Error, Equatable, Hashable, Sendable, CaseIterable {
    /// Not a v1 token: bad base64url, too short or too long, unknown version or purpose byte.
    case malformed
    /// The header's key id is not in the keyring (never was, or was retired).
    case unknownKey
    /// The tag does not verify: forged, altered, or sealed for another cookie name, action or subject.
    case badTag
    /// A valid-looking token of another purpose (a session token offered as bound arguments, or the reverse).
    case wrongPurpose
    /// Authentic, but the plaintext is not an object with integer `iat`/`exp` and a `data` member.
    case badPayload
    /// `now` is later than `exp` + skew.
    case expired
    /// `iat` is later than `now` + skew.
    case notYetValid
    /// OpenSSL failed while opening (a local fault, not the token's): see the logs, retry.
    case cryptoFailure

    /// Stable snake_case code.
    public var code: String {
        switch self {
        case .malformed: "malformed"
        case .unknownKey: "unknown_key"
        case .badTag: "bad_tag"
        case .wrongPurpose: "wrong_purpose"
        case .badPayload: "bad_payload"
        case .expired: "expired"
        case .notYetValid: "not_yet_valid"
        case .cryptoFailure: "crypto_failure"
        }
    }
}
