import Foundation

/// Why a keyring could not be loaded, saved or changed, phrased so an operator knows what to do.
///
/// `kind` sorts errors for exit codes: `refused` and `invalid` are answers about the keyring
/// (exit 1 in the CLI), `io` is the environment failing (exit 2). No case carries a secret.
public enum KeyringError: Error, Hashable, CustomStringConvertible {
    /// The keyring file does not exist.
    case notFound(path: String)
    /// `keys init` found a keyring already there; it never overwrites one.
    case alreadyExists(path: String)
    /// The file grants group or others some access; `mode` is its permission bits.
    case insecurePermissions(path: String, mode: UInt32)
    /// The file is not a regular file, or is larger than `KeyringFile.maximumSize`.
    case notAKeyringFile(path: String, reason: String)
    /// The file is not JSON; `line` and `column` are 1-based.
    case malformedJSON(path: String, line: Int, column: Int, reason: String)
    /// The JSON does not describe a valid keyring; every problem found is listed.
    case invalid([KeyringProblem])
    /// A system call failed: `operation` says which, `errno` why.
    case io(path: String, operation: String, errno: Int32)
    /// The keyring belongs to another user, and a replacement written by this process could not be
    /// given to that user (only root can): the gateway, running as that user, could not read it.
    case foreignOwner(path: String, ownerUID: UInt32, ownerGID: UInt32, ownerName: String?)
    /// Random bytes for a new key could not be drawn.
    case randomUnavailable
    /// A key could not be prepared for sealing (HKDF failed inside OpenSSL).
    case keyDerivationFailed(id: UInt32, reason: String)

    /// `promote` without an id found no staged key.
    case noStagedKey
    /// No key has this id.
    case unknownKey(id: UInt32)
    /// `promote` names a key that is not staged.
    case notStaged(id: UInt32, state: KeyState)
    /// `retire` names a key that is not decrypt-only; `--force` never changes this.
    case notRetirable(id: UInt32, state: KeyState)
    /// Tokens sealed with these decrypt-only keys may still be valid until `safeAt`.
    case demotedTooRecently(ids: [UInt32], safeAt: Date)

    /// How the CLI should report an error.
    public enum Kind: Sendable {
        /// The keyring is fine but the change was refused (exit 1).
        case refused
        /// The keyring file is wrong (exit 1).
        case invalid
        /// The system failed us: missing file, permissions, disk (exit 2).
        case io
    }

    /// Whether this is a refusal, an invalid keyring, or an I/O failure.
    public var kind: Kind {
        switch self {
        case .noStagedKey, .unknownKey, .notStaged, .notRetirable, .demotedTooRecently, .alreadyExists,
            .foreignOwner:
            return .refused
        case .insecurePermissions, .malformedJSON, .invalid, .notAKeyringFile:
            return .invalid
        case .notFound, .io, .randomUnavailable, .keyDerivationFailed:
            return .io
        }
    }

    /// What went wrong and what to do, on one or more lines.
    public var description: String {
        switch self {
        case .notFound(let path):
            return "\(path): no keyring there. Create one with `actiongate keys init --keyring \(path)`, "
                + "or point --keyring (or ACTIONGATE_KEYRING, or the config's `keyring:`) at the right file."
        case .alreadyExists(let path):
            return "\(path): a keyring already exists; `keys init` never overwrites one. "
                + "Use `actiongate keys rotate` to replace the active key, or remove the file yourself."
        case .insecurePermissions(let path, let mode):
            return "\(path): mode \(String(mode, radix: 8)) lets group or others access the keys. "
                + "Run `chmod 600 \(path)` (or 400) and try again."
        case .notAKeyringFile(let path, let reason):
            return "\(path): \(reason)."
        case .malformedJSON(let path, let line, let column, let reason):
            return "\(path):\(line):\(column): not valid JSON: \(reason). Fix the file or restore it from a backup."
        case .invalid(let problems):
            return problems.map(\.description).joined(separator: "\n")
        case .io(let path, let operation, let code):
            let text = "\(path): \(operation) failed: \(String(cString: strerror(code)))."
            guard code == EACCES || code == EPERM else { return text }
            return text + " Run the command as the user the keyring belongs to (the gateway's), e.g. "
                + "`sudo -u USER actiongate keys …`, or fix the file's and its folder's owner and permissions."
        case .foreignOwner(let path, let uid, let gid, let name):
            let user = name.map { "\($0) (uid \(uid))" } ?? "uid \(uid)"
            return "\(path) belongs to \(user), group \(gid); a keyring rewritten by this user could not be "
                + "handed back to it, and the gateway running as \(name ?? "that user") could not read it. "
                + "Run the command as that user (`sudo -u \(name ?? "#\(uid)") actiongate keys …`) or as root."
        case .randomUnavailable:
            return "no random bytes available for a new key (OpenSSL RAND_bytes failed); "
                + "check the system's entropy source."
        case .keyDerivationFailed(let id, let reason):
            return "key \(KeyringEntry.hex(id)): could not derive its token subkeys: \(reason)."
        case .noStagedKey:
            return "no staged key to promote. Stage one first with `actiongate keys stage`."
        case .unknownKey(let id):
            return "no key with id \(KeyringEntry.hex(id)); `actiongate keys list` shows the ids."
        case .notStaged(let id, let state):
            return "key \(KeyringEntry.hex(id)) is \(state.rawValue), not staged; only a staged key can be promoted. "
                + "To replace the active key, `actiongate keys stage` a new one and promote that."
        case .notRetirable(let id, let state):
            return "key \(KeyringEntry.hex(id)) is \(state.rawValue); only decrypt-only keys can be retired, "
                + "even with --force. "
                + (state == .active
                    ? "Promote another key first (`actiongate keys rotate`, or stage and promote)."
                    : "A staged key was never used to seal; promote it, or retire it after its demotion.")
        case .demotedTooRecently(let ids, let safeAt):
            let names = ids.map(KeyringEntry.hex).joined(separator: ", ")
            return "key\(ids.count == 1 ? "" : "s") \(names) demoted too recently: tokens sealed with "
                + "\(ids.count == 1 ? "it" : "them") may stay valid until \(KeyringTimestamp.format(safeAt)) "
                + "(the longest token lifetime). Wait until then, or pass --force to stop those tokens opening now."
        }
    }
}
