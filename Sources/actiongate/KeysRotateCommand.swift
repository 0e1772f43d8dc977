import ActionGateCrypto
import ArgumentParser
import Foundation

/// `actiongate keys rotate`: stage and promote a new key at once, for a single instance.
struct KeysRotateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Stage and promote a new key in one step (a single instance only).",
        discussion: """
            With several replicas, a replica that has not reloaded yet cannot open what the new key seals. \
            Use stage, copy the keyring everywhere, then promote.
            """)

    @OptionGroup var location: KeyringLocation

    func run() throws {
        try KeysCommand.reporting {
            let resolved = try location.resolve(lifetimes: .informative)
            let now = Date()
            let (old, new) = try KeyringFile.update(at: resolved.keyringPath) { keyring in
                let old = keyring.active
                keyring = try keyring.rotating(now: now, randomBytes: Keyring.secureRandomBytes)
                return (old, keyring.active)
            }
            print(KeysPromoteCommand.report(old: old, new: new, now: now, lifetimes: resolved.lifetimes))
            print(
                """
                note: rotate suits a single instance. With several replicas, do instead: \
                `keys stage` → copy the keyring to every replica → `keys promote ID` → wait the longest \
                token lifetime → `keys retire OLD-ID` (docs/key-rotation.md).
                """)
        }
    }
}
