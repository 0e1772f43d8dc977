import ActionGateCore
import ActionGateCrypto
import ArgumentParser
import Foundation

/// `actiongate keys …`: manage the keyring that seals sessions and bound arguments.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create, list and rotate the keys that seal sessions and bound arguments.",
        discussion: """
            One instance: `keys rotate`. Several replicas: `keys stage`, copy the keyring to every replica, \
            `keys promote`, wait the longest token lifetime, `keys retire OLD-ID`. See docs/key-rotation.md.
            Exit codes: 0 done, 1 refused or invalid keyring, 2 usage or I/O error.
            """,
        subcommands: [
            KeysInitCommand.self, KeysListCommand.self, KeysStageCommand.self, KeysPromoteCommand.self,
            KeysRotateCommand.self, KeysRetireCommand.self, KeysPruneCommand.self,
        ])

    /// A failure the command has already phrased: printed on stderr, then exit with `exitCode`.
    struct Failure: Error {
        var message: String
        var exitCode: Int32

        /// A usage or environment failure (exit 2) unless told otherwise.
        init(_ message: String, exitCode: Int32 = 2) {
            self.message = message
            self.exitCode = exitCode
        }
    }

    /// Runs a command body, turning its errors into a message on stderr and the documented exit code:
    /// 1 for a refusal or an invalid keyring, 2 for usage and I/O errors.
    static func reporting(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as KeyringError {
            printError(error.description)
            throw ExitCode(error.kind == .io ? 2 : 1)
        } catch let failure as Failure {
            printError(failure.message)
            throw ExitCode(failure.exitCode)
        }
    }

    /// Writes `error: message` to stderr.
    static func printError(_ message: String) {
        FileHandle.standardError.write(Data(("error: " + message + "\n").utf8))
    }

    /// Writes `warning: message` to stderr.
    static func warn(_ message: String) {
        FileHandle.standardError.write(Data(("warning: " + message + "\n").utf8))
    }

    /// Parses a key id given on the command line (8 lowercase hex digits, as `keys list` prints).
    static func keyID(_ text: String) throws -> UInt32 {
        guard let id = KeyringEntry.id(hex: text.lowercased()) else {
            throw Failure("not a key id: expected 8 hex digits as `actiongate keys list` prints them, like 3f9a0c12.")
        }
        return id
    }

    /// Parses a duration option (`30s`, `10m`, `8h`, `7d`, `1h30m`) as the configuration does.
    static func duration(_ text: String, option: String) throws -> Duration {
        do {
            return try ConfigDuration(parsing: text).duration
        } catch {
            throw Failure("\(option): \(error.message).")
        }
    }
}
