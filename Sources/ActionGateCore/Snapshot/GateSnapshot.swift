import ActionGateCrypto

/// Everything one decision needs — configuration, allowed origins, policies, keyring — loaded and
/// validated together, and the `Gate` built from them.
///
/// Snapshots are immutable: a reload builds a new one and publishes it only when every part is valid.
public struct GateSnapshot: Sendable {
    public let configuration: Configuration
    public let keyring: Keyring
    public let gate: Gate
    /// The files this snapshot was read from (configuration, allowed origins, manifest, keyring): a
    /// change to any of them triggers a reload.
    public let sourceFiles: [String]

    public init(configuration: Configuration, keyring: Keyring) {
        self.configuration = configuration
        self.keyring = keyring
        self.gate = Gate(configuration: configuration, keys: keyring)
        var files = [configuration.sourcePath]
        if let allowed = configuration.allowedOriginsFile { files.append(allowed) }
        if let manifest = configuration.actions.nextjsManifest { files.append(manifest) }
        if let keyring = configuration.keyring { files.append(keyring) }
        self.sourceFiles = files
    }
}
