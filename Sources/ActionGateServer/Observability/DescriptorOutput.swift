import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Blocking writes to a file descriptor, for the log writers (never called on an EventLoop).
enum DescriptorOutput {
    /// Held around each write of the operational log to stderr, and of the audit log when it writes
    /// to the same file (stderr, or stdout joined to stderr as under systemd's journal): a large
    /// audit batch is not one atomic write, so a log line could otherwise land inside an audit line.
    static let standardStreams = Mutex(())

    /// True when descriptors `a` and `b` are open on the same file (or pipe, or socket).
    static func sameFile(_ a: Int32, _ b: Int32) -> Bool {
        var first = stat()
        var second = stat()
        guard fstat(a, &first) == 0, fstat(b, &second) == 0 else { return false }
        return first.st_dev == second.st_dev && first.st_ino == second.st_ino
    }

    /// Writes all of `bytes`, retrying partial writes and interruptions; false on an error (e.g.
    /// `EPIPE` when the reader of stdout went away: `serve` ignores SIGPIPE so this is an error,
    /// not a signal that kills the gateway).
    static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
        write(bytes, to: descriptor) == bytes.count
    }

    /// Writes `bytes` as `writeAll` does; returns how many were written before it gave up (all of
    /// them on success).
    static func write(_ bytes: [UInt8], to descriptor: Int32) -> Int {
        bytes.withUnsafeBytes { write($0, to: descriptor) }
    }

    /// `write(_:to:)` for bytes in place (a part of a larger buffer, without copying it).
    static func write(_ buffer: UnsafeRawBufferPointer, to descriptor: Int32) -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var offset = 0
        var stalls = 0
        while offset < buffer.count {
            let written = writeDescriptor(descriptor, base + offset, buffer.count - offset)
            if written > 0 {
                offset += written
                stalls = 0
            } else if written < 0, errno == EINTR {
                continue
            } else if written < 0, errno == EAGAIN || errno == EWOULDBLOCK, stalls < 100 {
                // A non-blocking descriptor inherited from the parent: wait a little, bounded.
                stalls += 1
                usleep(10_000)
            } else {
                return offset
            }
        }
        return offset
    }

    /// Closes `descriptor`, ignoring errors (nothing useful can be done about them at shutdown).
    static func close(_ descriptor: Int32) {
        _ = closeDescriptor(descriptor)
    }
}

/// `close(2)` (the enum's own `close` hides the C function inside it).
private func closeDescriptor(_ descriptor: Int32) -> Int32 {
    close(descriptor)
}

/// `write(2)` (the enum's own `write` hides the C function inside it).
private func writeDescriptor(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
