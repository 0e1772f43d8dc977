import ActionGateCrypto
import ArgumentParser
import Foundation

/// `actiongate keys retire ID`: remove a decrypt-only key; tokens it sealed stop opening.
struct KeysRetireCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retire",
        abstract: "Remove a decrypt-only key: every token it sealed stops opening.",
        discussion: """
            Refused while tokens sealed with the key may still be valid (demoted less than the longest \
            token lifetime ago) unless --force. Active and staged keys are never retired, even with --force.
            """)

    @OptionGroup var location: KeyringLocation

    @Argument(help: ArgumentHelp("The decrypt-only key to retire.", valueName: "id"))
    var id: String

    @Flag(help: "Retire even if tokens sealed with the key may still be valid (after a key leak).")
    var force = false

    func run() throws {
        try KeysCommand.reporting {
            let resolved = try location.resolve(lifetimes: force ? .none : .required)
            let id = try KeysCommand.keyID(self.id)
            try KeyringFile.update(at: resolved.keyringPath) { keyring in
                keyring = try keyring.retiring(
                    id: id, now: Date(), minimumAge: resolved.lifetimes.retirementGuard, force: force)
            }
            print("retired key \(KeyringEntry.hex(id)): tokens it sealed no longer open.")
        }
    }
}
