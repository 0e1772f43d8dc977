import Foundation

/// Key lifecycle changes, as pure functions: each returns a new keyring or throws a typed refusal,
/// and never touches a file. Time and randomness are parameters so every rule is testable.
extension Keyring {
    /// Draws `count` random bytes, or returns nil when no randomness is available.
    public typealias RandomBytes = @Sendable (_ count: Int) -> [UInt8]?

    /// Random bytes from OpenSSL (`SecureRandom`), the source every real key comes from.
    public static let secureRandomBytes: RandomBytes = { count in try? SecureRandom.bytes(count) }

    /// How many times a new key id is redrawn when it collides with an existing one. With 2^32 ids
    /// and a few keys, the chance of exhausting this is negligible; the bound only avoids a loop.
    static let idAttempts = 64

    /// A new keyring with one active key: what `keys init` writes.
    public static func initial(now: Date, randomBytes: RandomBytes) throws(KeyringError) -> Keyring {
        let key = try newKey(state: .active, now: now, randomBytes: randomBytes) { _ in false }
        return try Keyring(entries: [key])
    }

    /// Adds a new staged key (it opens but does not seal yet) and returns it.
    public func stagingNewKey(
        now: Date,
        randomBytes: RandomBytes
    ) throws(KeyringError) -> (keyring: Keyring, staged: KeyringEntry) {
        let key = try Self.newKey(state: .staged, now: now, randomBytes: randomBytes) { entry(id: $0) != nil }
        return (try Keyring(entries: entries + [key]), key)
    }

    /// Makes a staged key active and demotes the active key to decrypt-only.
    ///
    /// - Parameter id: the staged key to promote; nil picks the oldest staged key.
    /// - Throws: `.noStagedKey`, `.unknownKey`, or `.notStaged` when `id` is active or decrypt-only.
    public func promoting(id: UInt32?, now: Date) throws(KeyringError) -> Keyring {
        let target: KeyringEntry
        if let id {
            guard let entry = entry(id: id) else { throw .unknownKey(id: id) }
            guard entry.state == .staged else { throw .notStaged(id: id, state: entry.state) }
            target = entry
        } else {
            guard let oldest = staged.first else { throw .noStagedKey }
            target = oldest
        }
        let changed = entries.map { entry -> KeyringEntry in
            var entry = entry
            if entry.id == target.id {
                entry.state = .active
                entry.stateChangedAt = now.wholeSeconds
            } else if entry.state == .active {
                entry.state = .decryptOnly
                entry.stateChangedAt = now.wholeSeconds
            }
            return entry
        }
        return try Keyring(entries: changed)
    }

    /// Stages a new key and promotes it at once: right for a single instance, wrong for several
    /// replicas (one that lacks the new key cannot open what the others seal with it).
    public func rotating(now: Date, randomBytes: RandomBytes) throws(KeyringError) -> Keyring {
        let (withStaged, key) = try stagingNewKey(now: now, randomBytes: randomBytes)
        return try withStaged.promoting(id: key.id, now: now)
    }

    /// Removes a decrypt-only key: tokens it sealed stop opening.
    ///
    /// - Parameters:
    ///   - minimumAge: the longest token lifetime; a key demoted less than this ago may still
    ///     have valid tokens, so it is refused unless `force`.
    ///   - force: retire despite the lifetime guard (after a leak). Never allows retiring an
    ///     active or staged key.
    public func retiring(id: UInt32, now: Date, minimumAge: Duration, force: Bool) throws(KeyringError) -> Keyring {
        guard let entry = entry(id: id) else { throw .unknownKey(id: id) }
        guard entry.state == .decryptOnly else { throw .notRetirable(id: id, state: entry.state) }
        let safeAt = Self.safeToRetire(entry, minimumAge: minimumAge)
        if !force, now < safeAt { throw .demotedTooRecently(ids: [id], safeAt: safeAt) }
        return try Keyring(entries: entries.filter { $0.id != id })
    }

    /// Removes every decrypt-only key demoted before `cutoff`.
    ///
    /// - Throws: `.demotedTooRecently` when any of those keys was demoted less than `minimumAge`
    ///   before `now` (unless `force`); nothing is removed then.
    public func pruning(
        demotedBefore cutoff: Date,
        now: Date,
        minimumAge: Duration,
        force: Bool
    ) throws(KeyringError) -> (keyring: Keyring, removed: [KeyringEntry]) {
        let removed = entries.filter { $0.state == .decryptOnly && $0.stateChangedAt < cutoff }
        let early = removed.filter { now < Self.safeToRetire($0, minimumAge: minimumAge) }
        if !force, let latest = early.map({ Self.safeToRetire($0, minimumAge: minimumAge) }).max() {
            throw .demotedTooRecently(ids: early.map(\.id), safeAt: latest)
        }
        let removedIDs = Set(removed.map(\.id))
        return (try Keyring(entries: entries.filter { !removedIDs.contains($0.id) }), removed)
    }

    /// When a decrypt-only key's last token has expired: its demotion plus the longest lifetime.
    /// Meaningless for other states (they have not stopped sealing).
    public static func safeToRetire(_ entry: KeyringEntry, minimumAge: Duration) -> Date {
        entry.stateChangedAt.addingTimeInterval(minimumAge.seconds)
    }

    /// A fresh key with an id for which `taken` is false.
    private static func newKey(
        state: KeyState,
        now: Date,
        randomBytes: RandomBytes,
        taken: (UInt32) -> Bool
    ) throws(KeyringError) -> KeyringEntry {
        guard let secret = randomBytes(Self.secretSize), secret.count == Self.secretSize else {
            throw .randomUnavailable
        }
        for _ in 0..<Self.idAttempts {
            guard let idBytes = randomBytes(4), idBytes.count == 4 else { throw .randomUnavailable }
            let id = idBytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            if !taken(id) {
                return KeyringEntry(id: id, state: state, createdAt: now, stateChangedAt: now, secret: secret)
            }
        }
        throw .randomUnavailable
    }
}

extension Duration {
    /// The duration in seconds, as a `TimeInterval` for date arithmetic.
    var seconds: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
