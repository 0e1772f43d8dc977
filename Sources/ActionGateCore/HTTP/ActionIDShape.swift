/// The two shapes an action id may take, wherever it is named (`Next-Action`, `$ACTION_ID_<id>`,
/// a `$ACTION_REF_` descriptor). Anything else is 400 `invalid_action_id` before any lookup.
public enum ActionIDShape: String, Sendable, Equatable, CaseIterable {
    /// A Next.js server reference id: 40 (before Next 15) or 42 (a type/argument byte plus the
    /// 40-digit hash) lowercase hex digits.
    case nextJS = "nextjs"
    /// A configured id: 1–128 ASCII letters, digits, `_`, `-`, `.`, `:`.
    case configured = "configured"

    /// The longest configured id, in bytes.
    public static let maxConfiguredLength = 128

    /// The shape of `id`, or nil when it has neither (empty, too long, other bytes).
    public static func of(_ id: String) -> ActionIDShape? {
        id.withUTF8Buffer { of($0) }
    }

    static func of(_ bytes: UnsafeBufferPointer<UInt8>) -> ActionIDShape? {
        guard !bytes.isEmpty, bytes.count <= maxConfiguredLength else { return nil }
        if bytes.count == 40 || bytes.count == 42, bytes.allSatisfy(ASCII.isLowerHex) { return .nextJS }
        for byte in bytes {
            guard
                ASCII.isAlpha(byte) || ASCII.isDigit(byte) || byte == ASCII.underscore || byte == ASCII.hyphen
                    || byte == ASCII.dot || byte == ASCII.colon
            else { return nil }
        }
        return .configured
    }
}
