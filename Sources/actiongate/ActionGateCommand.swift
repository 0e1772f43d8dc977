import ArgumentParser
import ActionGateServer

@main
struct ActionGateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "actiongate", abstract: "A security gateway for action handlers.",
        subcommands: [
            KeysCommand.self, SealCommand.self, OpenCommand.self, ConfigCommand.self, OriginsCommand.self,
            PolicyCommand.self,
        ])
}
