import Foundation

/// `admin.token_file`: the bearer token `POST /v1/seal` requires. Other users may not access the
/// file (`0600`, `0640`, `0400`, `0440`: a group may share it with the handlers that seal).
public enum AdminTokenFile {
    /// The shortest token accepted.
    public static let minimumLength = 16

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// The token in the file at `path`: its contents without surrounding whitespace, at least
    /// `minimumLength` printable ASCII characters.
    ///
    /// - Throws: `GatewayLoadError` saying how to create or fix the file (missing, open to every
    ///   user or writable by its group, bytes other than printable ASCII, too short).
    public static func read(_ path: String) throws(GatewayLoadError) -> [UInt8] {
        // Whoever reads the token can have any value sealed for any action. The handlers that seal
        // need it too, so a group may share it (`0640`); others may not.
        // Nobody but its owner may replace it either.
        var status = stat()
        let found = stat(path, &status) == 0
        let statError = found ? 0 : errno
        if found, status.st_mode & S_IFMT != S_IFREG {
            throw GatewayLoadError(
                description:
                    "\(path): admin.token_file is not a regular file; point it at a file holding the token "
                    + "(e.g. `openssl rand -hex 32 > FILE`, `chmod 600 FILE`)")
        }
        if found, status.st_mode & 0o027 != 0 {
            let mode = String(UInt32(status.st_mode) & 0o777, radix: 8)
            throw GatewayLoadError(
                description:
                    "\(path): admin.token_file is open to every user or writable by its group (mode \(mode)); "
                    + "run `chmod 600 \(path)`, or `chmod 640` with a group shared by the gateway and the handlers "
                    + "that seal")
        }
        guard found else {
            guard statError == ENOENT else {
                // A folder on the way the gateway's user may not search (EACCES), a file where a
                // folder should be (ENOTDIR), a symbolic-link loop: not "create it".
                throw GatewayLoadError(
                    description:
                        "\(path): cannot reach admin.token_file (\(String(cString: strerror(statError)))); every folder "
                        + "on its path must be searchable by the gateway's user (user id \(geteuid()))")
            }
            throw GatewayLoadError(
                description:
                    "\(path): admin.token_file does not exist; create it (e.g. `openssl rand -hex 32 > \(path)`, "
                    + "`chmod 600 \(path)`) or remove the key to turn /v1/seal off")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            // As the effective user (`access` would ask as the real one).
            let reason =
                faccessat(AT_FDCWD, path, R_OK, AT_EACCESS) == 0
                ? "it could not be read" : String(cString: strerror(errno))
            let fix =
                status.st_uid == geteuid()
                ? "`chmod 600 \(path)`"
                : "the gateway runs as user id \(geteuid()) and the file belongs to user id \(status.st_uid): "
                    + "give it to the gateway's user (`chown`, then `chmod 600 \(path)`)"
            throw GatewayLoadError(
                description:
                    "\(path): cannot read admin.token_file (\(reason)); \(fix), or remove the key to turn /v1/seal off")
        }
        // The token travels in an Authorization header: visible ASCII only. Other bytes would be
        // compared after a lossy decoding on both sides (any invalid byte matching any other).
        var bytes = data[...]
        while let first = bytes.first, Self.isWhitespace(first) { bytes = bytes.dropFirst() }
        while let last = bytes.last, Self.isWhitespace(last) { bytes = bytes.dropLast() }
        guard bytes.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw GatewayLoadError(
                description:
                    "\(path): the admin token must be printable ASCII without spaces (it is sent in an "
                    + "Authorization header); use e.g. `openssl rand -hex 32 > \(path)`")
        }
        guard bytes.count >= minimumLength else {
            throw GatewayLoadError(
                description:
                    "\(path): admin token is shorter than \(minimumLength) characters; use e.g. `openssl rand -hex 32`")
        }
        return Array(bytes)
    }
}
