import ActionGateCore
import Foundation

/// Loads configuration text as `/etc/actiongate/config.yaml`, with other files served from memory.
enum ConfigurationFixture {
    static let folder = "/etc/actiongate"
    static let path = "\(folder)/config.yaml"

    /// The smallest valid configuration (six lines, then a blank line 7); tests append from line 8.
    static let minimal = """
        public_origins: [https://app.example.com]
        keyring: ./keys.json
        upstreams:
          app: { url: http://127.0.0.1:3000 }
        routes:
          - { path_prefix: /, upstream: app }


        """

    static func loader(files: [String: String] = [:], environment: [String: String] = [:]) -> ConfigurationLoader {
        ConfigurationLoader(environment: environment, publicSuffixes: PublicSuffixList.system) { file in
            guard let text = files[file] else { throw ConfigurationLoader.FileReadError("no such file") }
            return Array(text.utf8)
        }
    }

    static func load(
        _ text: String, files: [String: String] = [:], environment: [String: String] = [:]
    ) throws(ConfigurationError) -> Configuration {
        try loader(files: files, environment: environment).load(text: text, path: path)
    }

    /// The issues of a configuration that must not load (empty when it loaded).
    static func issues(_ text: String, files: [String: String] = [:], environment: [String: String] = [:]) -> [String] {
        do {
            _ = try load(text, files: files, environment: environment)
            return []
        } catch {
            return error.issues.map(\.description)
        }
    }
}
