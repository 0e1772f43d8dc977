import ActionGateCrypto
import Foundation

/// The demo's throwaway files: a keyring with one fresh key, an admin token and `config.yaml`, in a
/// private temporary folder that `remove()` deletes when the demo stops.
struct DemoWorkspace: Sendable {
    /// The folder (mode 0700).
    let folder: URL
    /// The bearer token for `POST /v1/seal` (also in `admin.token`).
    let adminToken: String

    var configPath: String { folder.appendingPathComponent("config.yaml").path }
    var keyringPath: String { folder.appendingPathComponent("keys.json").path }
    var adminTokenPath: String { folder.appendingPathComponent("admin.token").path }

    /// Creates the folder, the keyring and the admin token.
    static func create() throws -> DemoWorkspace {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("actiongate-demo-\(UUID().uuidString.prefix(8).lowercased())")
        try FileManager.default.createDirectory(
            at: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        do {
            let token = try SecureRandom.bytes(32).map { byte in
                let hex = String(byte, radix: 16)
                return byte < 16 ? "0" + hex : hex
            }.joined()
            let workspace = DemoWorkspace(folder: folder, adminToken: token)
            try KeyringFile.create(
                Keyring.initial(now: Date(), randomBytes: Keyring.secureRandomBytes), at: workspace.keyringPath)
            try workspace.writePrivate(token + "\n", to: workspace.adminTokenPath)
            return workspace
        } catch {
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
    }

    /// (Re)writes `config.yaml`.
    func write(_ configuration: DemoConfiguration) throws {
        try writePrivate(configuration.yaml, to: configPath)
    }

    /// Deletes the folder and everything in it.
    func remove() {
        try? FileManager.default.removeItem(at: folder)
    }

    /// Writes `text` atomically with mode 0600 from the start (the admin token is a secret): a new
    /// file opened with that mode, renamed over the old one. (Foundation's `createFile` would write
    /// with the default mode first, and on Linux leave an empty `TemporaryDirectory.*` in /tmp.)
    private func writePrivate(_ text: String, to path: String) throws {
        let temporary = path + ".tmp"
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw DemoError("cannot create \(temporary): \(String(cString: strerror(errno)))") }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: false)
        do {
            try handle.write(contentsOf: Data(text.utf8))
            try handle.close()
        } catch {
            unlink(temporary)
            throw DemoError("cannot write \(temporary): \(error)")
        }
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw DemoError("cannot rename \(temporary) to \(path)")
        }
    }
}
