import ActionGateCrypto
import ArgumentParser
import Foundation

/// `actiongate keys init`: a new keyring with one active key; never replaces an existing file.
struct KeysInitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create a keyring with one active key (never overwrites a keyring).")

    @OptionGroup var location: KeyringLocation

    func run() throws {
        try KeysCommand.reporting {
            let path = try location.resolve(lifetimes: .none).keyringPath
            let keyring = try Keyring.initial(now: Date(), randomBytes: Keyring.secureRandomBytes)
            try KeyringFile.create(keyring, at: path)
            print("created \(path) (mode 0600) with active key \(keyring.active.idHex).")
        }
    }
}
