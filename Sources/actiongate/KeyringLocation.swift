import ActionGateCore
import ArgumentParser
import Foundation

/// `--keyring` and `--config`: where the keyring is, and where token lifetimes come from.
///
/// The keyring path is `--keyring`, else `ACTIONGATE_KEYRING`, else the configuration's `keyring:`.
/// The configuration is `--config`, else `ACTIONGATE_CONFIG`, else `./config.yaml` (optional when
/// the keyring is named otherwise and the defaults will do). It is read only when needed.
struct KeyringLocation: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The keyring file.", discussion: "Default: $ACTIONGATE_KEYRING, else the configuration's `keyring:`.",
            valueName: "path"))
    var keyring: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The configuration, for the keyring path and token lifetimes.",
            discussion: "Default: $ACTIONGATE_CONFIG, else ./config.yaml.", valueName: "path"))
    var config: String?

    /// How much a command needs the token lifetimes.
    enum LifetimeNeed {
        /// Not at all (the configuration is read only for the keyring path).
        case none
        /// For information: a configuration that fails to load gives the defaults and a warning.
        case informative
        /// For a safety check: a configuration that fails to load is an error.
        case required
    }

    /// What a command runs with.
    struct Resolved {
        var keyringPath: String
        var lifetimes: TokenLifetimes
        /// The session cookie name (`session.cookie`, else `__Host-actiongate`).
        var sessionCookie: String
    }

    /// Finds the keyring and, as needed, the lifetimes.
    ///
    /// - Throws: `KeysCommand.Failure` (exit 2) when no keyring is named anywhere, or when a needed
    ///   configuration cannot be loaded.
    func resolve(lifetimes need: LifetimeNeed) throws -> Resolved {
        let environment = ProcessInfo.processInfo.environment
        let named = keyring ?? environment["ACTIONGATE_KEYRING"].flatMap { $0.isEmpty ? nil : $0 }
        let explicitConfig = config ?? environment["ACTIONGATE_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
        let implicitConfig = FileManager.default.fileExists(atPath: "config.yaml") ? "config.yaml" : nil

        var settings: Settings?
        var configError: KeysCommand.Failure?
        if let path = explicitConfig ?? implicitConfig, named == nil || need != .none {
            do {
                settings = try Settings.load(path: path)
            } catch let error as KeysCommand.Failure {
                configError = error
            }
        }

        let keyringPath: String
        if let named {
            keyringPath = named
        } else if let configError {
            throw configError
        } else if let settings {
            guard let path = settings.keyring else {
                throw KeysCommand.Failure(
                    "\(settings.source) has no `keyring:`; add one, or pass --keyring (or set ACTIONGATE_KEYRING).")
            }
            keyringPath = path
        } else {
            throw KeysCommand.Failure(
                "no keyring named: pass --keyring PATH, set ACTIONGATE_KEYRING, or set `keyring:` in the "
                    + "configuration (--config, ACTIONGATE_CONFIG, or ./config.yaml).")
        }

        var lifetimes = TokenLifetimes.defaults
        if let settings {
            lifetimes = settings.lifetimes
        } else if configError == nil, need == .required {
            // A safety check on assumed lifetimes: say so, since the gateway's may be longer.
            KeysCommand.warn(
                "no configuration found (--config, ACTIONGATE_CONFIG, ./config.yaml): the guard assumes the "
                    + "default token lifetimes (\(lifetimes.summary)). If the gateway's configuration sets a "
                    + "longer session.max_age or bound_args.max_ttl, pass it with --config.")
        } else if let configError {
            switch need {
            case .required: throw configError
            case .informative:
                KeysCommand.warn("\(configError.message)\nwarning: using default token lifetimes instead.")
                lifetimes.source = "defaults (the configuration did not load)"
            case .none: break
            }
        }
        return Resolved(
            keyringPath: keyringPath, lifetimes: lifetimes,
            sessionCookie: settings?.sessionCookie ?? "__Host-actiongate")
    }
}

extension KeyringLocation {
    /// What the keys, seal and open commands take from the configuration.
    struct Settings {
        /// The configuration file, for messages.
        var source: String
        /// `keyring:` (absolute), if set.
        var keyring: String?
        var lifetimes: TokenLifetimes
        var sessionCookie: String

        /// Loads the configuration at `path`.
        ///
        /// - Throws: `KeysCommand.Failure` (exit 2) with the configuration's own errors.
        static func load(path: String) throws -> Settings {
            let configuration: Configuration
            do {
                configuration = try ConfigurationLoader().load(contentsOf: path)
            } catch {
                let issues = error.issues.map(\.description).joined(separator: "\n")
                throw KeysCommand.Failure(
                    "the configuration did not load (`actiongate config check` explains):\n" + issues)
            }
            return Settings(
                source: path, keyring: configuration.keyring, lifetimes: TokenLifetimes(configuration),
                sessionCookie: configuration.session.cookie)
        }
    }
}
