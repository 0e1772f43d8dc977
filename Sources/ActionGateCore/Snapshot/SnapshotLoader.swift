import ActionGateCrypto

/// Loads a `GateSnapshot` from a configuration file and the keyring it names.
public struct SnapshotLoader: Sendable {
    /// Why a snapshot could not be loaded; `description` is what an operator reads in the log.
    public enum Failure: Error, CustomStringConvertible {
        case configuration(ConfigurationError)
        case noKeyring(configPath: String)
        case keyring(KeyringError)

        public var description: String {
            switch self {
            case .configuration(let error): "\(error)"
            case .noKeyring(let path):
                "\(path): keyring: missing; set `keyring: ./keys.json` and create it with `actiongate keys init --keyring ./keys.json`"
            case .keyring(let error): "\(error)"
            }
        }
    }

    public let configPath: String
    public let loader: ConfigurationLoader

    public init(configPath: String, loader: ConfigurationLoader = ConfigurationLoader()) {
        self.configPath = configPath
        self.loader = loader
    }

    /// Reads and validates every file; throws the first part that fails (each part lists all of its
    /// own problems).
    public func load() throws(Failure) -> GateSnapshot {
        let configuration: Configuration
        do { configuration = try loader.load(contentsOf: configPath) } catch { throw .configuration(error) }
        guard let keyringPath = configuration.keyring else { throw .noKeyring(configPath: configPath) }
        let keyring: Keyring
        do { keyring = try KeyringFile.load(from: keyringPath) } catch { throw .keyring(error) }
        return GateSnapshot(configuration: configuration, keyring: keyring)
    }
}
