import Foundation

/// One key of a keyring: its id, state, dates and 32-byte secret.
///
/// The id is the 4 bytes a token carries in its header (big-endian); in the file it is their
/// 8 lowercase hex digits. Dates are whole seconds, UTC. `description` never contains the secret,
/// so an entry can be logged or printed safely.
public struct KeyringEntry: Sendable, Hashable, CustomStringConvertible {
    /// The key id carried in every token this key seals.
    public let id: UInt32
    /// Whether the key seals (active) or only opens (staged, decrypt-only).
    public var state: KeyState
    /// When the key was generated.
    public let createdAt: Date
    /// When the key entered its current state. For decrypt-only keys this is the demotion time,
    /// from which the retirement guard counts.
    public var stateChangedAt: Date
    /// The 32 secret bytes. Package-visible only: no public API hands out a secret.
    package let secret: [UInt8]

    /// Makes an entry. Dates are truncated to whole seconds, as the file stores them; the secret's
    /// length is checked when the entry joins a `Keyring`.
    public init(id: UInt32, state: KeyState, createdAt: Date, stateChangedAt: Date, secret: [UInt8]) {
        self.id = id
        self.state = state
        self.createdAt = createdAt.wholeSeconds
        self.stateChangedAt = stateChangedAt.wholeSeconds
        self.secret = secret
    }

    /// The id as the file and the CLI spell it: 8 lowercase hex digits.
    public var idHex: String { Self.hex(id) }

    /// A summary without the secret.
    public var description: String {
        "\(idHex) \(state.rawValue) created \(KeyringTimestamp.format(createdAt))"
    }

    /// Formats a key id as 8 lowercase hex digits.
    public static func hex(_ id: UInt32) -> String {
        TokenKey.hex(id)
    }

    /// Parses 8 lowercase hex digits into a key id; anything else (uppercase, other lengths) is nil.
    /// Stricter than `TokenKey.id(fromHex:)`, so a file has one spelling per id.
    public static func id(hex: some StringProtocol) -> UInt32? {
        let bytes = Array(hex.utf8)
        guard bytes.count == 8 else { return nil }
        var value: UInt32 = 0
        for byte in bytes {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte &- UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte &- UInt8(ascii: "a") &+ 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }
}

extension KeyringEntry: CustomReflectable {
    /// A mirror without the secret, so `dump` and debuggers never print it.
    public var customMirror: Mirror {
        Mirror(self, children: ["id": idHex, "state": state, "createdAt": createdAt, "stateChangedAt": stateChangedAt])
    }
}

extension Date {
    /// This date without its fraction of a second, as keyring files store dates.
    var wholeSeconds: Date {
        Date(timeIntervalSince1970: timeIntervalSince1970.rounded(.down))
    }
}
