#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads and writes keyring files safely: refuses files others can read, writes atomically,
/// and serialises changes with `KeyringLock` so concurrent CLI runs lose no key.
public enum KeyringFile {
    /// The largest keyring file accepted (a keyring of thousands of keys is far below this).
    public static let maximumSize = 1 << 20

    /// Loads and validates the keyring at `path`.
    ///
    /// - Throws: `.notFound`; `.insecurePermissions` when group or others have any access (with the
    ///   `chmod 600` to run); `.notAKeyringFile`; `.malformedJSON`; `.invalid` listing every problem.
    public static func load(from path: String) throws(KeyringError) -> Keyring {
        try Keyring(parsing: readPrivateFile(path), file: path)
    }

    /// Replaces the keyring at `path` atomically, holding its lock.
    ///
    /// Readers see the old file or the new one, never a mix; after a crash either may be there, but
    /// never a torn one. The new file's mode is 0600.
    public static func save(_ keyring: Keyring, to path: String) throws(KeyringError) {
        let target = resolved(path)
        let lock = try KeyringLock.acquire(for: target)
        defer { KeyringLock.release(lock) }
        try writeAtomically(keyring, to: target)
    }

    /// Writes a new keyring at `path`, refusing to replace an existing one (`.alreadyExists`).
    public static func create(_ keyring: Keyring, at path: String) throws(KeyringError) {
        let lock = try KeyringLock.acquire(for: path)
        defer { KeyringLock.release(lock) }
        var status = stat()
        if lstat(path, &status) == 0 { throw .alreadyExists(path: path) }
        try writeAtomically(keyring, to: path)
    }

    /// Loads the keyring, lets `body` change it, and saves the result, all under the keyring's lock,
    /// so a concurrent update waits and then sees this one's change.
    ///
    /// The file is rewritten only when `body` returns normally and changed the keyring. If `body`
    /// throws, the file is untouched and the error is rethrown.
    public static func update<T>(at path: String, _ body: (inout Keyring) throws -> T) throws -> T {
        let target = resolved(path)
        return try KeyringLock.withExclusiveLock(for: target) {
            let original = try load(from: target)
            var keyring = original
            let result = try body(&keyring)
            if keyring != original { try writeAtomically(keyring, to: target) }
            return result
        }
    }

    /// The file actually written: a symlinked keyring is replaced at its target, keeping the link.
    static func resolved(_ path: String) -> String {
        guard let real = realpath(path, nil) else { return path }
        defer { free(real) }
        return String(cString: real)
    }

    /// Reads the whole file after checking it is a private, regular, bounded file.
    static func readPrivateFile(_ path: String) throws(KeyringError) -> [UInt8] {
        // O_NONBLOCK: opening a FIFO put at the keyring's path must not hang; regular files ignore it.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            let code = errno
            throw code == ENOENT ? .notFound(path: path) : .io(path: path, operation: "opening", errno: code)
        }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw .io(path: path, operation: "stat", errno: errno) }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw .notAKeyringFile(path: path, reason: "not a regular file; point --keyring at the keyring JSON file")
        }
        let mode = UInt32(status.st_mode) & 0o777
        guard mode & 0o077 == 0 else { throw .insecurePermissions(path: path, mode: mode) }
        guard status.st_size <= maximumSize else {
            throw .notAKeyringFile(path: path, reason: "larger than \(maximumSize) bytes; this is not a keyring")
        }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, operation: "reading", errno: errno)
            }
            bytes += buffer[0..<count]
            guard bytes.count <= maximumSize else {
                throw .notAKeyringFile(path: path, reason: "larger than \(maximumSize) bytes; this is not a keyring")
            }
        }
        return bytes
    }

    /// The atomic write: a new 0600 temp file in the same folder (so rename stays on one file
    /// system), written and fsynced, renamed over the keyring, then the folder fsynced so the rename
    /// itself survives a power cut. The temp file is removed on any failure.
    ///
    /// A keyring being replaced keeps its owner and group: the new file is given to them before the
    /// rename (so `sudo actiongate keys …` on the gateway's keyring leaves it readable by the
    /// gateway), and when this process may not do that the write is refused, the keyring untouched.
    ///
    /// `beforeRename` runs between the fsync and the rename; tests throw from it to interrupt a save.
    static func writeAtomically(
        _ keyring: Keyring,
        to path: String,
        beforeRename: () throws(KeyringError) -> Void = {}
    ) throws(KeyringError) {
        let folder = folder(of: path)
        let (fd, temporary) = try createTemporary(near: path)
        var renamed = false
        defer { if !renamed { unlink(temporary) } }
        do {
            defer { close(fd) }
            try keepOwner(of: path, on: fd)
            try writeAll(fd, keyring.serialized(), path: temporary)
            guard fsync(fd) == 0 else { throw KeyringError.io(path: temporary, operation: "fsync", errno: errno) }
        }
        try beforeRename()
        guard rename(temporary, path) == 0 else {
            throw .io(path: path, operation: "renaming the new keyring into place", errno: errno)
        }
        renamed = true
        let folderFD = open(folder, O_RDONLY | O_CLOEXEC)
        guard folderFD >= 0 else { throw .io(path: folder, operation: "opening the folder to fsync", errno: errno) }
        defer { close(folderFD) }
        guard fsync(folderFD) == 0 else { throw .io(path: folder, operation: "fsync of the folder", errno: errno) }
    }

    /// Gives the open file `fd` the owner and group of the file at `path`, if there is one and they
    /// differ from this process's. Another owner is required (the gateway reads the file as its
    /// owner); another group is kept when this process may set it, and otherwise left (0600: the
    /// group has no access either way).
    private static func keepOwner(of path: String, on fd: Int32) throws(KeyringError) {
        var current = stat()
        guard stat(path, &current) == 0 else { return }
        guard current.st_uid != geteuid() || current.st_gid != getegid() else { return }
        if current.st_uid == geteuid() {
            _ = fchown(fd, current.st_uid, current.st_gid)
            return
        }
        guard fchown(fd, current.st_uid, current.st_gid) == 0 else {
            var name: String?
            if let entry = getpwuid(current.st_uid), let pointer = entry.pointee.pw_name {
                name = String(cString: pointer)
            }
            throw .foreignOwner(
                path: path, ownerUID: UInt32(current.st_uid), ownerGID: UInt32(current.st_gid), ownerName: name)
        }
    }

    /// `.keys.json.tmp-<pid>-<n>` beside the keyring, created exclusively so nothing is clobbered.
    private static func createTemporary(near path: String) throws(KeyringError) -> (Int32, String) {
        let folder = folder(of: path)
        let name = path.split(separator: "/").last.map(String.init) ?? "keyring"
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<16 {
            let temporary = folder + "/." + name + ".tmp-\(getpid())-\(generator.next() as UInt32)"
            let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            if fd >= 0 { return (fd, temporary) }
            let code = errno
            guard code == EEXIST else {
                throw .io(path: temporary, operation: "creating a temporary file", errno: code)
            }
        }
        throw .io(path: folder, operation: "creating a temporary file", errno: EEXIST)
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(KeyringError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return write(fd, base + offset, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, operation: "writing", errno: errno)
            }
            offset += written
        }
    }

    /// The folder holding `path` ("." for a bare file name).
    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
