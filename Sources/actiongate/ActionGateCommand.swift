import ActionGateServer
import ArgumentParser
import Foundation

/// `actiongate`: the gateway and the operator's tools around it.
///
/// Exit codes (DESIGN.md): 0 success or allow, 1 a negative answer or validation failure, 2 usage or
/// I/O error. ArgumentParser reports usage errors as 64 (EX_USAGE); `main` maps them to 2.
@main
struct ActionGateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "actiongate",
        abstract: "A security gateway for action handlers.",
        subcommands: [
            ConfigCommand.self, OriginsCommand.self, PolicyCommand.self, KeysCommand.self, SealCommand.self,
            OpenCommand.self, ServeCommand.self, DemoCommand.self,
        ]
    )

    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error).rawValue == 64 {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Self.exit(withError: ExitCode(2))
            }
            exit(withError: error)
        }
    }
}
