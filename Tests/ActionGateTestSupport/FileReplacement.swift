import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes test files the way an editor or a deploy script replaces them.
public enum FileReplacement {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Replaces (or creates) the file at `path` with `text`: a new file beside it, renamed over it,
    /// so a watcher sees a new inode and never half a file. Foundation's `write(atomically: true)`
    /// does the same on Linux but leaves an empty `TemporaryDirectory.*` folder in /tmp each time.
    /// `mode`, when given, is set before the file takes its name (a secret is never readable by others).
    public static func write(_ text: String, toPath path: String, mode: mode_t? = nil) throws {
        let temporary = "\(path).tmp-\(UUID().uuidString)"
        try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
        if let mode, chmod(temporary, mode) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw Failure(description: "chmod \(temporary): \(reason)")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw Failure(description: "rename \(temporary) → \(path): \(reason)")
        }
    }

    /// `write(_:toPath:)` for a file URL.
    public static func write(_ text: String, to url: URL, mode: mode_t? = nil) throws {
        try write(text, toPath: url.path, mode: mode)
    }
}
