import Foundation

/// A validated set of token keys: exactly one active key seals, every key opens.
///
/// A `Keyring` value always satisfies its invariants (unique ids, exactly one active key, 32-byte
/// secrets), so code holding one never re-checks. Changes are pure functions returning a new value
/// (see `Keyring+Transitions.swift`); `KeyringFile` reads and writes it. Lookups by the 4-byte key id
/// a token carries are O(1).
public struct Keyring: Sendable {
    /// The `format` string of the only file format this code reads and writes.
    public static let format = "actiongate-keyring-v1"
    /// The size of every key's secret, in bytes (an AES-256 key's worth of entropy).
    public static let secretSize = TokenKey.secretSize

    /// Every key, in file order (new keys are appended).
    public let entries: [KeyringEntry]
    /// Position of each id in `entries`.
    private let positions: [UInt32: Int]
    /// Position of the single active key in `entries`.
    private let activePosition: Int
    /// Every key with its subkeys derived, built once per keyring value (not per lookup).
    let tokenKeys: [UInt32: TokenKey]
    /// The active key's `TokenKey`.
    let activeTokenKey: TokenKey

    /// Makes a keyring from entries, checking every invariant.
    ///
    /// Derives each key's token subkeys (two HKDF runs per key), so building a keyring costs a
    /// little; build it once per load or change and share it.
    /// - Throws: `KeyringError.invalid` listing every broken rule (duplicate ids, zero or several
    ///   active keys, secrets that are not 32 bytes); `.keyDerivationFailed` if OpenSSL fails.
    public init(entries: [KeyringEntry]) throws(KeyringError) {
        let problems = Self.problems(in: entries)
        // problems(in:) proves there is exactly one active key, so the lookup below succeeds.
        guard problems.isEmpty, let activePosition = entries.firstIndex(where: { $0.state == .active }) else {
            throw .invalid(problems)
        }
        var positions: [UInt32: Int] = [:]
        var tokenKeys: [UInt32: TokenKey] = [:]
        for (position, entry) in entries.enumerated() {
            positions[entry.id] = position
            do {
                tokenKeys[entry.id] = try TokenKey(id: entry.id, secret: entry.secret)
            } catch {
                throw .keyDerivationFailed(id: entry.id, reason: "\(error)")
            }
        }
        guard let activeTokenKey = tokenKeys[entries[activePosition].id] else { throw .invalid(problems) }
        self.entries = entries
        self.positions = positions
        self.activePosition = activePosition
        self.tokenKeys = tokenKeys
        self.activeTokenKey = activeTokenKey
    }

    /// The key that seals new tokens.
    public var active: KeyringEntry { entries[activePosition] }

    /// Staged keys, oldest first (the order `promote` without an id picks from).
    public var staged: [KeyringEntry] {
        entries.enumerated()
            .filter { $0.element.state == .staged }
            .sorted { ($0.element.createdAt, $0.offset) < ($1.element.createdAt, $1.offset) }
            .map(\.element)
    }

    /// The key with this id, in any state.
    public func entry(id: UInt32) -> KeyringEntry? {
        positions[id].map { entries[$0] }
    }

    /// Rule violations among entries, without file locations (the loader adds those).
    static func problems(in entries: [KeyringEntry]) -> [KeyringProblem] {
        var problems: [KeyringProblem] = []
        var seen: [UInt32: Int] = [:]
        for (index, entry) in entries.enumerated() {
            let location = "keys[\(index)] (id \(entry.idHex))"
            if let first = seen[entry.id] {
                problems.append(
                    KeyringProblem(
                        location: location,
                        message:
                            "duplicate id: keys[\(first)] has the same id. Remove one of them (a copy-paste mistake?).")
                )
            } else {
                seen[entry.id] = index
            }
            if entry.secret.count != secretSize {
                problems.append(
                    KeyringProblem(
                        location: location + " secret",
                        message:
                            "must be exactly \(secretSize) bytes, found \(entry.secret.count). "
                            + "Restore the key from a backup, or retire it."))
            }
        }
        let active = entries.enumerated().filter { $0.element.state == .active }
        if active.isEmpty {
            problems.append(
                KeyringProblem(
                    location: "keys",
                    message:
                        "no active key, so nothing can seal. Set exactly one key's state to \"active\" "
                        + "(or create a keyring with `actiongate keys init`)."))
        } else if active.count > 1 {
            let names = active.map { "keys[\($0.offset)] (id \($0.element.idHex))" }.joined(separator: ", ")
            problems.append(
                KeyringProblem(
                    location: "keys",
                    message:
                        "\(active.count) active keys (\(names)); exactly one may be active. "
                        + "Set the older ones to \"decrypt-only\"."))
        }
        return problems
    }
}

extension Keyring: Equatable {
    /// Two keyrings are equal when they hold the same entries in the same order.
    public static func == (lhs: Keyring, rhs: Keyring) -> Bool {
        lhs.entries == rhs.entries
    }
}
