#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An exclusive lock serialising every read-modify-write of one keyring, across processes.
///
/// The lock is `flock` on a separate `<keyring>.lock` file: a lock on the keyring itself would
/// die with the atomic rename that replaces it. The lock file is never deleted (deleting it would
/// let two writers lock two different files). The kernel drops the lock if the process dies.
public enum KeyringLock {
    /// The lock file that guards `keyringPath`.
    public static func path(for keyringPath: String) -> String {
        keyringPath + ".lock"
    }

    /// Runs `body` while holding the exclusive lock for `keyringPath`, waiting for other holders.
    ///
    /// Not reentrant: a second lock of the same keyring from inside `body` waits forever.
    /// - Throws: `KeyringError.io` if the lock file cannot be opened or locked, else what `body` throws.
    public static func withExclusiveLock<T>(for keyringPath: String, _ body: () throws -> T) throws -> T {
        let fd = try acquire(for: keyringPath)
        defer { release(fd) }
        return try body()
    }

    /// Opens the lock file and waits for the exclusive lock; returns the descriptor to `release`.
    static func acquire(for keyringPath: String) throws(KeyringError) -> Int32 {
        let lockPath = path(for: keyringPath)
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .io(path: lockPath, operation: "opening the lock file", errno: errno) }
        // A lock file this process (say root) owns beside a keyring someone else owns goes to the
        // keyring's owner, so that user can still take the lock; best effort.
        var keyring = stat()
        var lock = stat()
        if stat(keyringPath, &keyring) == 0, fstat(fd, &lock) == 0, lock.st_uid == geteuid(),
            lock.st_uid != keyring.st_uid || lock.st_gid != keyring.st_gid
        {
            _ = fchown(fd, keyring.st_uid, keyring.st_gid)
        }
        while flock(fd, LOCK_EX) != 0 {
            let code = errno
            guard code == EINTR else {
                close(fd)
                throw .io(path: lockPath, operation: "locking", errno: code)
            }
        }
        return fd
    }

    /// Releases the lock (closing the descriptor drops it).
    static func release(_ fd: Int32) {
        close(fd)
    }
}
