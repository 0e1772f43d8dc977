import Foundation

/// Loads `config.yaml` (and the allowed-origins file and Next.js manifest it names) into a
/// `Configuration`, or reports every problem at once as `file:line: key: message`.
///
/// The loader touches the file system only through `readFile`, so tests and the reloader can feed it
/// text; `environment` supplies `${NAME}` expansion in path values.
public struct ConfigurationLoader: Sendable {
    /// Reads a whole file; throws `FileReadError` (or any error) when it cannot.
    public typealias FileReader = @Sendable (String) throws -> [UInt8]

    /// A file that could not be read, in words an operator can act on.
    public struct FileReadError: Error, CustomStringConvertible {
        /// `no such file`, `permission denied`, …
        public let description: String

        /// A read error with its description.
        public init(_ description: String) {
            self.description = description
        }
    }

    /// The largest file the loader reads (configuration, allowed origins, manifest): 16 MiB.
    public static let maximumFileSize = 16 << 20

    /// Variables for `${NAME}` expansion.
    public let environment: [String: String]
    /// The public suffix list allowed-origins wildcards are checked against (`nil`: two-label rule).
    public let publicSuffixes: PublicSuffixList?
    /// How files are read.
    public let readFile: FileReader

    /// A loader; by default it reads the disk, this process's environment and the system suffix list.
    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        publicSuffixes: PublicSuffixList? = PublicSuffixList.system,
        readFile: @escaping FileReader = ConfigurationLoader.readFromDisk
    ) {
        self.environment = environment
        self.publicSuffixes = publicSuffixes
        self.readFile = readFile
    }

    /// Reads and loads the configuration file at `path`.
    ///
    /// - Throws: `.unreadable` when the file cannot be read; `.invalid` with every issue otherwise.
    public func load(contentsOf path: String) throws(ConfigurationError) -> Configuration {
        let bytes: [UInt8]
        do {
            bytes = try readFile(path)
        } catch {
            throw .unreadable(path: path, reason: "cannot read the configuration: \(error)")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .unreadable(path: path, reason: "the configuration is not UTF-8 text")
        }
        return try load(text: text, path: path)
    }

    /// Loads configuration text; `path` names it in messages and anchors relative paths.
    ///
    /// - Throws: `.invalid` with every error, then every warning.
    public func load(text: String, path: String) throws(ConfigurationError) -> Configuration {
        let base = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let decoder = ConfigurationDecoder(
            file: path, baseDirectory: base, environment: environment, publicSuffixes: publicSuffixes,
            readFile: readFile)
        let configuration = decoder.decodeDocument(text)
        // File order reads best: the configuration first, then the files it names, each by line.
        let ordered = decoder.issues.enumerated().sorted { a, b in
            let keyA = (a.element.file == path ? 0 : 1, a.element.file, a.element.line ?? 0, a.offset)
            let keyB = (b.element.file == path ? 0 : 1, b.element.file, b.element.line ?? 0, b.offset)
            return keyA < keyB
        }.map(\.element)
        let errors = ordered.filter { $0.severity == .error }
        let warnings = ordered.filter { $0.severity == .warning }
        guard let configuration, errors.isEmpty else { throw .invalid(errors + warnings) }
        return configuration
    }

    /// Reads a regular file of at most `maximumFileSize` bytes.
    public static let readFromDisk: FileReader = { path in
        let manager = FileManager.default
        var isFolder: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isFolder) else { throw FileReadError("no such file") }
        guard !isFolder.boolValue else { throw FileReadError("is a folder, not a file") }
        guard manager.isReadableFile(atPath: path) else { throw FileReadError("permission denied") }
        if let size = (try? manager.attributesOfItem(atPath: path))?[.size] as? Int, size > maximumFileSize {
            throw FileReadError("larger than \(ByteSize(bytes: maximumFileSize))")
        }
        guard let data = manager.contents(atPath: path) else { throw FileReadError("cannot be read") }
        guard data.count <= maximumFileSize else {
            throw FileReadError("larger than \(ByteSize(bytes: maximumFileSize))")
        }
        return [UInt8](data)
    }
}
