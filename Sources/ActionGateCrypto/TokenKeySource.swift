/// Where token code finds keys: the one key that seals, and any key that may open.
///
/// The keyring implements this with its states: `active` seals and opens; `staged` and
/// `decrypt-only` open only. Lookups happen on every request, so implementations should answer from
/// an immutable snapshot without locking.
public protocol TokenKeySource: Sendable {
    /// The key new tokens are sealed with, or nil when none is active (sealing is then impossible).
    var sealingKey: TokenKey? { get }
    /// The key with this id if it may open tokens, else nil (reported as `unknown_key`).
    func openingKey(id: UInt32) -> TokenKey?
}
