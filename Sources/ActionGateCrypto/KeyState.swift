/// Where a key is in its life: staged keys wait to be promoted, the active key seals, and demoted
/// keys stay only to open tokens sealed before the last promotion.
///
/// Every state opens tokens, so a key can be copied to every replica (staged) before any replica
/// seals with it, and old tokens keep opening after a rotation (decrypt-only) until they expire.
public enum KeyState: String, Sendable, Hashable, CaseIterable {
    /// Opens, never seals. A new key waits here until every replica has it.
    case staged
    /// Seals and opens. A valid keyring has exactly one.
    case active
    /// Opens, never seals. Retire it once every token it sealed has expired.
    case decryptOnly = "decrypt-only"

    /// Whether this key seals new tokens.
    public var seals: Bool { self == .active }
}
