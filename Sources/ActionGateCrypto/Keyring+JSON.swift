import Foundation

/// The keyring file format (DESIGN.md "Keyring"): decoding with every problem reported at once,
/// and a stable, readable encoding.
extension Keyring {
    private static let topFields: Set<String> = ["format", "keys"]
    private static let keyFields = ["id", "state", "created_at", "state_changed_at", "secret"]

    /// Parses and validates a keyring document.
    ///
    /// - Parameter file: the path to name in errors (nil when the bytes came from elsewhere).
    /// - Throws: `.malformedJSON` with the line and column when the bytes are not JSON;
    ///   otherwise `.invalid` listing every problem found, each with its line, key and the fix.
    public init(parsing bytes: [UInt8], file: String? = nil) throws(KeyringError) {
        let document: JSONValue
        do {
            document = try JSONValue(parsing: bytes)
        } catch {
            let (line, column) = Self.lineAndColumn(of: error.offset, in: bytes)
            throw .malformedJSON(
                path: file ?? "keyring", line: line, column: column, reason: Self.explain(error.reason))
        }
        var decoder = Decoder(lines: KeyringLineMap(bytes), file: file)
        let entries = decoder.decode(document)
        guard decoder.problems.isEmpty else { throw .invalid(decoder.problems) }
        try self.init(entries: entries)
    }

    /// The file's bytes: pretty JSON, fields in a fixed order, so diffs between versions are clear.
    public func serialized() -> [UInt8] {
        // Every value is hex, a state name, a timestamp or base64: nothing needs escaping.
        let keys = entries.map { entry in
            """
                {
                  "id": "\(entry.idHex)",
                  "state": "\(entry.state.rawValue)",
                  "created_at": "\(KeyringTimestamp.format(entry.createdAt))",
                  "state_changed_at": "\(KeyringTimestamp.format(entry.stateChangedAt))",
                  "secret": "\(Data(entry.secret).base64EncodedString())"
                }
            """
        }
        let text =
            "{\n  \"format\": \"\(Self.format)\",\n  \"keys\": [\n"
            + keys.joined(separator: ",\n") + "\n  ]\n}\n"
        return Array(text.utf8)
    }

    /// The 1-based line and column (in bytes) of a byte offset.
    static func lineAndColumn(of offset: Int, in bytes: [UInt8]) -> (Int, Int) {
        let before = bytes.prefix(max(0, offset))
        let line = before.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 &+ 1 : $0 }
        let column = before.count - (before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0) + 1
        return (line, column)
    }

    /// The parser's reason in words, without quoting the file.
    private static func explain(_ reason: JSONError.Reason) -> String {
        switch reason {
        case .unexpectedEnd: "the file ends in the middle of a value (truncated, or empty?)"
        case .unexpectedByte: "unexpected character (a trailing comma, a comment, or a missing quote?)"
        case .invalidUTF8: "the text is not valid UTF-8"
        case .invalidEscape, .loneSurrogate: "invalid escape in a string"
        case .controlCharacter: "a control character inside a string"
        case .invalidNumber, .numberOutOfRange: "invalid number"
        case .duplicateKey: "the same field appears twice in one object"
        case .tooDeep: "nested too deeply"
        case .trailingData: "more text after the end of the keyring object"
        }
    }

    /// Walks the document, collecting problems instead of stopping at the first.
    private struct Decoder {
        let lines: KeyringLineMap
        let file: String?
        var problems: [KeyringProblem] = []
        /// Keys whose state reads "active", by index and id text, to count them even when another field is broken.
        var activeKeys: [String] = []
        var someStateUnknown = false

        mutating func report(_ path: String, _ location: String, _ message: String) {
            var line = lines.line(path)
            if line == nil, let bracket = path.firstIndex(of: ".") { line = lines.line(String(path[..<bracket])) }
            problems.append(KeyringProblem(file: file, line: line, location: location, message: message))
        }

        mutating func decode(_ document: JSONValue) -> [KeyringEntry] {
            guard case .object(let top) = document else {
                report("", "document", "must be a JSON object {\"format\": \"\(Keyring.format)\", \"keys\": [...]}.")
                return []
            }
            for name in top.keys.sorted() where !Keyring.topFields.contains(name) {
                report(name, "document", "unknown field \(quoted(name)); only \"format\" and \"keys\" belong here.")
            }
            switch top["format"] {
            case .string(Keyring.format): break
            case nil: report("", "format", "missing; add \"format\": \"\(Keyring.format)\".")
            case .string(let other):
                report(
                    "format", "format",
                    "unknown format \(quoted(other)); this version reads only "
                        + "\"\(Keyring.format)\". Use the actiongate release that wrote this file.")
            default: report("format", "format", "must be the string \"\(Keyring.format)\".")
            }
            guard case .array(let keys) = top["keys"] else {
                report(
                    "keys", "keys",
                    top["keys"] == nil
                        ? "missing; add \"keys\": [...] (or create a keyring with `actiongate keys init`)."
                        : "must be an array of keys.")
                return []
            }
            var entries: [(index: Int, entry: KeyringEntry)] = []
            for (index, value) in keys.enumerated() {
                if let entry = decodeKey(value, index: index) { entries.append((index, entry)) }
            }
            checkInvariants(entries)
            return entries.map(\.entry)
        }

        mutating func decodeKey(_ value: JSONValue, index: Int) -> KeyringEntry? {
            let path = "keys[\(index)]"
            guard case .object(let fields) = value else {
                report(path, path, "must be an object with \(Keyring.keyFields.joined(separator: ", ")).")
                return nil
            }
            var name = path
            var id: UInt32?
            if case .string(let text) = fields["id"], let parsed = KeyringEntry.id(hex: text) {
                id = parsed
                name = "\(path) (id \(text))"
            }
            if id == nil {
                report(
                    path + ".id", name + " id",
                    fields["id"] == nil
                        ? "missing; every key needs its 8-hex-digit id."
                        : "must be 8 lowercase hex digits (the key id tokens carry), like \"3f9a0c12\".")
            }
            for field in fields.keys.sorted() where !Keyring.keyFields.contains(field) {
                report(
                    path + "." + field, name,
                    "unknown field \(quoted(field)); a key has only "
                        + Keyring.keyFields.joined(separator: ", ") + ".")
            }
            var state: KeyState?
            if case .string(let text) = fields["state"] { state = KeyState(rawValue: text) }
            if state == .active { activeKeys.append(name) }
            if state == nil {
                someStateUnknown = true
                report(
                    path + ".state", name + " state",
                    fields["state"] == nil
                        ? "missing."
                        : "must be one of \"staged\", \"active\", \"decrypt-only\".")
            }
            let created = date(fields, "created_at", path: path, name: name)
            let changed = date(fields, "state_changed_at", path: path, name: name)
            if let created, let changed, changed < created {
                report(path + ".state_changed_at", name + " state_changed_at", "is before created_at; fix either date.")
            }
            var secret: [UInt8]?
            if case .string(let text) = fields["secret"], let data = Data(base64Encoded: text),
                data.base64EncodedString() == text
            {
                secret = Array(data)
            }
            if let bytes = secret, bytes.count != Keyring.secretSize {
                report(
                    path + ".secret", name + " secret",
                    "must be \(Keyring.secretSize) bytes, found "
                        + "\(bytes.count). Restore the key from a backup, or remove it if it is decrypt-only.")
                secret = nil
            } else if secret == nil {
                report(
                    path + ".secret", name + " secret",
                    fields["secret"] == nil
                        ? "missing."
                        : "must be standard base64 (with padding) of \(Keyring.secretSize) bytes. "
                            + "Restore the key from a backup, or remove it if it is decrypt-only.")
            }
            guard let id, let state, let created, let changed, let secret else { return nil }
            return KeyringEntry(id: id, state: state, createdAt: created, stateChangedAt: changed, secret: secret)
        }

        mutating func date(_ fields: [String: JSONValue], _ field: String, path: String, name: String) -> Date? {
            if case .string(let text) = fields[field], let date = KeyringTimestamp.parse(text) { return date }
            report(
                path + "." + field, name + " " + field,
                fields[field] == nil
                    ? "missing."
                    : "must be an RFC 3339 UTC time like \"2026-11-21T10:00:00Z\".")
            return nil
        }

        /// Duplicate ids and the active-key count, over the keys that decoded.
        mutating func checkInvariants(_ entries: [(index: Int, entry: KeyringEntry)]) {
            var seen: [UInt32: Int] = [:]
            for (index, entry) in entries {
                if let first = seen[entry.id] {
                    report(
                        "keys[\(index)].id", "keys[\(index)] (id \(entry.idHex))",
                        "duplicate id: keys[\(first)] "
                            + "has the same one. Keep one of them (ids must be unique: tokens name their key by id).")
                } else {
                    seen[entry.id] = index
                }
            }
            if activeKeys.isEmpty, !someStateUnknown {
                report(
                    "keys", "keys",
                    "no active key, so nothing can seal. Set exactly one key's state to "
                        + "\"active\", or create a keyring with `actiongate keys init`.")
            } else if activeKeys.count > 1 {
                let names = activeKeys.joined(separator: ", ")
                report(
                    "keys", "keys",
                    "\(activeKeys.count) active keys (\(names)); exactly one may be active. "
                        + "Set the older ones to \"decrypt-only\".")
            }
        }

        /// A name from the file, quoted, shortened and with control characters replaced.
        func quoted(_ text: String) -> String {
            let cleaned = text.unicodeScalars.prefix(40).map {
                $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0)
            }
            return "\"" + String(cleaned) + (text.unicodeScalars.count > 40 ? "…" : "") + "\""
        }
    }
}
