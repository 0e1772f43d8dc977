import Synchronization

/// How many tokens one key (one id with one secret) has sealed in this process, whichever
/// `Keyring` value the key came from.
///
/// A reload builds new `TokenKey`s from the keyring file; they take the counter of the key they
/// were built from before, so the 2^32 limit and the 2^30 warning count every seal this process
/// made with the key, not just those since the last reload. Counters are found by the key id and a
/// one-way fingerprint of the secret (HKDF-SHA256 under its own label: nothing of the secret
/// itself is kept), so two different keys that share an id never share a count. The table holds
/// one small entry per key ever loaded by the process (a few per rotation).
final class SealCounter: Sendable {
    let value = Atomic<UInt64>(0)

    private struct Identity: Hashable {
        var id: UInt32
        var fingerprint: [UInt8]
    }

    private static let table = Mutex<[Identity: SealCounter]>([:])

    /// The counter of key `id` with `secret`: the same object for every `TokenKey` built from them.
    static func shared(id: UInt32, secret: [UInt8]) throws(CryptoError) -> SealCounter {
        let fingerprint = try HKDF.sha256(
            ikm: secret, salt: [], info: Array("actiongate seal counter".utf8), outputLength: 16)
        let identity = Identity(id: id, fingerprint: fingerprint)
        return table.withLock { table in
            if let counter = table[identity] { return counter }
            let counter = SealCounter()
            table[identity] = counter
            return counter
        }
    }
}
