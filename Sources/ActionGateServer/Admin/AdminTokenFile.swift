import Foundation

/// `admin.token_file`: the bearer token `POST /v1/seal` requires.
public enum AdminTokenFile {
    /// The shortest token accepted.
    public static let minimumLength = 16

    /// The token in the file at `path`: its contents without surrounding whitespace, at least
    /// `minimumLength` characters.
    ///
    /// - Throws: `GatewayLoadError` saying how to create or fix the file.
    public static func read(_ path: String) throws(GatewayLoadError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GatewayLoadError(
                description:
                    "\(path): cannot read admin.token_file; create it (e.g. `openssl rand -hex 32 > \(path)`, "
                    + "`chmod 600 \(path)`) or remove the key to turn /v1/seal off")
        }
        let trimmed = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.utf8.count >= minimumLength else {
            throw GatewayLoadError(
                description:
                    "\(path): admin token is shorter than \(minimumLength) characters; use e.g. `openssl rand -hex 32`")
        }
        return Array(trimmed.utf8)
    }
}
