import ActionGateCore
import ActionGateCrypto
import ActionGateServer
import ArgumentParser
import Foundation

/// `actiongate config …`: configuration tools.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check the gateway's configuration.",
        subcommands: [Check.self])

    /// `actiongate config check [F] [--config F]`.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Validate config.yaml and the files it names; print a summary or every problem.",
            discussion: """
                Problems are printed on standard error as file:line: key: message, all at once. Besides \
                the configuration it checks what `serve` needs from the files it names: the keyring, the \
                admin token file and the audit log's folder. \
                Exit status: 0 valid (serve would start), 1 invalid, 2 unreadable file or usage error.
                """)

        @Argument(help: "The configuration file (the same as --config).")
        var file: String?

        @Option(help: "The configuration file (default: $ACTIONGATE_CONFIG, else ./config.yaml).")
        var config: String?

        func validate() throws {
            if let file, let config, file != config {
                throw StandardStreams.usageError("name the configuration file once: as an argument or with --config")
            }
        }

        func run() throws {
            let path = ConfigLocation.resolve(file ?? config)
            let configuration: Configuration
            do {
                configuration = try ConfigurationLoader().load(contentsOf: path)
            } catch {
                switch error {
                case .unreadable(_, let reason):
                    StandardStreams.error("\(path): \(reason)")
                    throw ExitCode(2)
                case .invalid(let issues):
                    for issue in issues { StandardStreams.error(issue.description) }
                    let count = issues.count { $0.severity == .error }
                    StandardStreams.error(
                        "\(path): \(count) error\(count == 1 ? "" : "s"); the configuration is invalid")
                    throw ExitCode(1)
                }
            }
            for warning in configuration.warnings { StandardStreams.error(warning.description) }
            let keyring = configuration.keyring.map { ($0, KeyringSummary.state(of: $0)) }
            for line in Self.summary(configuration, path: path, keyring: keyring) { StandardStreams.out(line) }
            // The configuration is fine; these would still stop `serve` from starting.
            let problems = Self.startProblems(configuration, path: path, keyring: keyring)
            for problem in problems { StandardStreams.error(problem) }
            if !problems.isEmpty {
                StandardStreams.error("\(path): `actiongate serve` would not start with these files; fix the above")
                throw ExitCode(1)
            }
        }

        /// What `serve` refuses although the configuration itself is valid: no keyring, a keyring
        /// it cannot use, an unreadable or short admin token, an audit file it cannot open.
        static func startProblems(
            _ config: Configuration, path: String, keyring: (path: String, state: KeyringSummary.State)?
        ) -> [String] {
            var problems: [String] = []
            switch keyring {
            case nil:
                problems.append(
                    "\(path): keyring: not set; the gateway needs one: add `keyring: ./keys.json` and create it "
                        + "with `actiongate keys init --keyring ./keys.json`")
            case (let file, .missing)?:
                problems.append("\(file): no keyring there; create it with `actiongate keys init --keyring \(file)`")
            case (_, .unusable(let problem))?:
                problems.append(problem)
            case (_, .usable)?:
                break
            }
            if let tokenFile = config.admin.tokenFile {
                do { _ = try AdminTokenFile.read(tokenFile) } catch { problems.append(error.description) }
            }
            if let audit = ObservabilityBootstrap.auditProblem(for: config.log.audit) { problems.append(audit) }
            return problems
        }

        /// The short summary printed for a valid configuration.
        static func summary(
            _ config: Configuration, path: String, keyring: (path: String, state: KeyringSummary.State)?
        ) -> [String] {
            var lines = ["\(path): ok"]
            let seal = config.admin.tokenFile.map { "seal endpoint token \($0)" } ?? "seal endpoint off: no token_file"
            lines.append(
                "listen: \(config.listen.map(\.description).joined(separator: ", ")); "
                    + "admin: \(config.admin.listen) (\(seal))")
            lines.append(
                "public origins: \(config.publicOrigins.count) "
                    + "(\(config.publicOrigins.map(\.description).joined(separator: ", ")))"
            )
            if let file = config.allowedOriginsFile {
                lines.append("allowed origins: \(config.allowedOrigins.entries.count) entries from \(file)")
            } else {
                lines.append("allowed origins: none (no allowed_origins_file)")
            }
            if !config.trustedProxies.isEmpty {
                lines.append("trusted proxies: \(config.trustedProxies.map(\.description).joined(separator: ", "))")
            }
            let upstreams = config.upstreams.values.sorted { $0.name < $1.name }.map { "\($0.name) \($0.url)" }
            lines.append("upstreams: \(upstreams.count) (\(upstreams.joined(separator: ", ")))")
            let routes = config.routes.map { "\($0.pathPrefix) \($0.mode.rawValue) → \($0.upstream)" }
            lines.append("routes: \(routes.count) (\(routes.joined(separator: ", ")))")
            switch config.log.audit {
            case .standardOutput: lines.append("audit log: standard output")
            case .standardError: lines.append("audit log: standard error")
            case .off: lines.append("audit log: off")
            case .file(let file): lines.append("audit log: \(file)")
            }
            // What LimitNOFILE= must allow: `serve` serves fewer client connections than
            // limits.max_connections when its open-file limit is lower (and says so at start).
            let settings = ServerSettings(configuration: config)
            let budget = OpenFileBudget(settings: settings, limit: .max)
            lines.append(
                "open files: serve needs up to \(budget.needed) (limits.max_connections \(settings.limits.maxConnections) "
                    + "+ \(budget.reserve) for upstream and admin connections and the process): "
                    + "LimitNOFILE=\(budget.needed) or more")
            let manifest = config.actions.manifestCount
            let imported = manifest > 0 ? " (\(manifest) from the Next.js manifest)" : ""
            lines.append("actions: \(config.actions.list.count)\(imported); policies: \(config.policies.count)")
            switch keyring?.state {
            case nil:
                lines.append("keyring: not configured (see below)")
            case .missing?:
                lines.append("keyring: \(keyring?.path ?? "") (missing: see below)")
            case .usable(let state)?:
                lines.append("keyring: \(keyring?.path ?? "") (\(state))")
            case .unusable?:
                lines.append("keyring: \(keyring?.path ?? "") (unusable: see below)")
            }
            return lines
        }
    }
}

extension ConfigCommand.Check {
    /// What `config check` says about the keyring: its keys' states, never a secret.
    enum KeyringSummary {
        /// The keyring's state, or the problem that would stop the gateway from using it.
        enum State {
            case missing
            case usable(String)
            case unusable(String)
        }

        static func state(of path: String) -> State {
            do {
                let keyring = try KeyringFile.load(from: path)
                let count = keyring.entries.count
                let staged = keyring.staged.count
                let decryptOnly = keyring.entries.count { $0.state == .decryptOnly }
                let keys = "\(count) key\(count == 1 ? "" : "s")"
                return .usable("\(keys): active \(keyring.active.idHex), \(staged) staged, \(decryptOnly) decrypt-only")
            } catch {
                if case .notFound = error { return .missing }
                return .unusable(error.description)
            }
        }
    }
}
