import ActionGateCrypto
import ArgumentParser
import Foundation

/// `actiongate keys prune --older-than D`: remove every decrypt-only key demoted more than D ago.
struct KeysPruneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Remove decrypt-only keys demoted more than a duration ago.",
        discussion: """
            Refused if that would remove a key demoted less than the longest token lifetime ago, \
            unless --force. Active and staged keys are never removed.
            """)

    @OptionGroup var location: KeyringLocation

    @Option(
        help: ArgumentHelp("Remove keys demoted more than this long ago (30s, 10m, 8h, 7d).", valueName: "duration"))
    var olderThan: String

    @Flag(help: "Remove them even if tokens they sealed may still be valid.")
    var force = false

    func run() throws {
        try KeysCommand.reporting {
            let age = try KeysCommand.duration(olderThan, option: "--older-than")
            let resolved = try location.resolve(lifetimes: force ? .none : .required)
            let now = Date()
            let cutoff = now.addingTimeInterval(-Double(age.components.seconds))
            let removed = try KeyringFile.update(at: resolved.keyringPath) { keyring in
                let (next, removed) = try keyring.pruning(
                    demotedBefore: cutoff, now: now, minimumAge: resolved.lifetimes.retirementGuard, force: force)
                keyring = next
                return removed
            }
            if removed.isEmpty {
                print("nothing to prune: no decrypt-only key was demoted before \(KeyringTimestamp.format(cutoff)).")
            } else {
                let ids = removed.map(\.idHex).joined(separator: ", ")
                let keys = removed.count == 1 ? "key" : "keys"
                print("pruned \(removed.count) \(keys): \(ids). Tokens they sealed no longer open.")
            }
        }
    }
}
