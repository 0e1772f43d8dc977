/// The keyring as the token code sees it: the active key seals; staged, active and decrypt-only
/// keys all open. Answers come from the `TokenKey`s built with the keyring value, without locking.
extension Keyring: TokenKeySource {
    /// The active key. Never nil: a valid keyring always has one.
    public var sealingKey: TokenKey? { activeTokenKey }

    /// The key with this id in any state, or nil (the token then fails as `unknown_key`).
    public func openingKey(id: UInt32) -> TokenKey? { tokenKeys[id] }
}
