import ActionGateCrypto
import ArgumentParser
import Foundation

/// `actiongate keys promote [ID]`: a staged key starts sealing; the active key becomes decrypt-only.
struct KeysPromoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promote",
        abstract: "Make a staged key active; the active key becomes decrypt-only.",
        discussion: "Promote only once every replica has the staged key, or they cannot open what it seals.")

    @OptionGroup var location: KeyringLocation

    @Argument(help: ArgumentHelp("The staged key to promote (default: the oldest staged key).", valueName: "id"))
    var id: String?

    func run() throws {
        try KeysCommand.reporting {
            let resolved = try location.resolve(lifetimes: .informative)
            let id = try self.id.map(KeysCommand.keyID)
            let now = Date()
            let (old, new) = try KeyringFile.update(at: resolved.keyringPath) { keyring in
                let old = keyring.active
                keyring = try keyring.promoting(id: id, now: now)
                return (old, keyring.active)
            }
            print(KeysPromoteCommand.report(old: old, new: new, now: now, lifetimes: resolved.lifetimes))
        }
    }

    /// What changed and when the demoted key may be retired.
    static func report(old: KeyringEntry, new: KeyringEntry, now: Date, lifetimes: TokenLifetimes) -> String {
        let safeAt = now.addingTimeInterval(Double(lifetimes.retirementGuard.components.seconds))
        return """
            key \(new.idHex) is now active; \(old.idHex) is decrypt-only (it still opens the tokens it sealed).
            retire \(old.idHex) from \(KeyringTimestamp.format(safeAt)) (longest token lifetime \(lifetimes.summary)): \
            `actiongate keys retire \(old.idHex)`.
            """
    }
}
