import ActionGateCore
import ArgumentParser
import Foundation

/// Where the CLI finds `config.yaml`, and how it loads it for a command.
///
/// Order (DESIGN.md "Command line"): `--config`, else `ACTIONGATE_CONFIG`, else `./config.yaml`.
enum ConfigLocation {
    /// The configuration path to use.
    static func resolve(_ explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> String
    {
        if let explicit { return explicit }
        if let fromEnvironment = environment["ACTIONGATE_CONFIG"], !fromEnvironment.isEmpty { return fromEnvironment }
        return "config.yaml"
    }

    /// Loads the configuration for a command that needs a valid one (`origins test`, `policy test`).
    ///
    /// Prints every problem on standard error and exits with 2: the question cannot be answered.
    static func loadOrExit(_ path: String) throws -> Configuration {
        do {
            return try ConfigurationLoader().load(contentsOf: path)
        } catch {
            for issue in error.issues { StandardStreams.error(issue.description) }
            if case .invalid = error {
                StandardStreams.error("\(path): the configuration is invalid; run actiongate config check")
            }
            throw ExitCode(2)
        }
    }
}

/// Output for the configuration commands: standard output for answers, standard error for problems.
enum StandardStreams {
    static func out(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static func error(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Prints `error: message` and returns exit status 2 (DESIGN.md: usage or I/O error) to throw.
    static func usageError(_ message: String) -> ExitCode {
        error("error: \(message)")
        return ExitCode(2)
    }
}
