import Foundation

/// Reads the action ids out of a Next.js `server-reference-manifest.json`
/// (`{"node": {<id>: …}, "edge": {<id>: …}, …}`), so every Server Action of a build becomes a known
/// action. Other top-level keys (such as `encryptionKey`) are ignored and never kept.
public enum NextJSManifest {
    /// Why a manifest was refused.
    public struct ParseError: Error, Equatable, Sendable {
        /// What is wrong (invalid ids are shown printable, shortened, at most five).
        public let message: String
    }

    /// True for 40 or 42 lowercase hex characters: the ids Next.js generates.
    public static func isActionID(_ id: String) -> Bool {
        let count = id.utf8.count
        return (count == 40 || count == 42)
            && id.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    /// The ids in `node` and `edge`, sorted and without duplicates.
    public static func actionIDs(in bytes: [UInt8]) throws(ParseError) -> [String] {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes))
        } catch {
            throw ParseError(message: "not valid JSON")
        }
        guard let top = object as? [String: Any] else {
            throw ParseError(message: "expected a JSON object with \"node\" and \"edge\"")
        }
        var ids = Set<String>()
        var invalid: [String] = []
        for section in ["node", "edge"] {
            guard let value = top[section] else { continue }
            guard let entries = value as? [String: Any] else {
                throw ParseError(message: "\"\(section)\" must be an object of action ids")
            }
            for id in entries.keys {
                if isActionID(id) {
                    ids.insert(id)
                } else {
                    invalid.append(printable(id))
                }
            }
        }
        guard invalid.isEmpty else {
            let shown = invalid.sorted().prefix(5).joined(separator: ", ")
            let more = invalid.count > 5 ? " (and \(invalid.count - 5) more)" : ""
            throw ParseError(message: "not Next.js action ids (40 or 42 lowercase hex characters): \(shown)\(more)")
        }
        return ids.sorted()
    }

    /// At most 48 characters, non-printable ones replaced by `?`.
    private static func printable(_ id: String) -> String {
        let shortened = id.unicodeScalars.prefix(48).map {
            $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F ? Character($0) : "?"
        }
        return String(shortened) + (id.unicodeScalars.count > 48 ? "…" : "")
    }
}
