import ActionGateCrypto
import ArgumentParser
import Foundation

/// `actiongate keys stage`: add a key that opens but does not seal yet, the first step of a
/// rotation across several replicas.
struct KeysStageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stage", abstract: "Add a new staged key: it opens tokens but seals none until promoted.")

    @OptionGroup var location: KeyringLocation

    func run() throws {
        try KeysCommand.reporting {
            let path = try location.resolve(lifetimes: .none).keyringPath
            let staged = try KeyringFile.update(at: path) { keyring in
                let (next, staged) = try keyring.stagingNewKey(now: Date(), randomBytes: Keyring.secureRandomBytes)
                keyring = next
                return staged
            }
            print(
                """
                staged key \(staged.idHex) in \(path).
                next: copy the keyring to every replica (each reloads it on change or SIGHUP), \
                then run `actiongate keys promote \(staged.idHex)`.
                """)
        }
    }
}
