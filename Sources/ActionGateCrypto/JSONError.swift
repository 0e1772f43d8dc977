/// Why bytes are not a strict RFC 8259 JSON text, and where.
///
/// The offset is a byte offset into the input, so a caller can point at the problem without echoing
/// the (untrusted) input itself.
public struct JSONError: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
    /// The rule the input broke; `rawValue` is a stable code.
    public enum Reason: String, Sendable, CaseIterable {
        /// The input ended inside a value (or was empty).
        case unexpectedEnd = "unexpected_end"
        /// A byte that cannot start or continue the value here.
        case unexpectedByte = "unexpected_byte"
        /// Bytes inside a string that are not well-formed UTF-8 (overlong, surrogate, truncated, > U+10FFFF).
        case invalidUTF8 = "invalid_utf8"
        /// A backslash escape other than `\" \\ \/ \b \f \n \r \t \uXXXX`.
        case invalidEscape = "invalid_escape"
        /// A `\u` escape naming half of a surrogate pair without its other half.
        case loneSurrogate = "lone_surrogate"
        /// An unescaped control character (U+0000–U+001F) inside a string.
        case controlCharacter = "control_character"
        /// A number that breaks the RFC 8259 grammar (leading zeros, `+`, `.5`, `1.`, `NaN`, `Infinity`).
        case invalidNumber = "invalid_number"
        /// A number too large for a finite Double.
        case numberOutOfRange = "number_out_of_range"
        /// An object names the same key twice (RFC 8259 leaves that ambiguous; we refuse it).
        case duplicateKey = "duplicate_key"
        /// Arrays/objects nested deeper than `JSONValue.maximumDepth`.
        case tooDeep = "too_deep"
        /// Bytes after the value (other than whitespace).
        case trailingData = "trailing_data"
    }

    /// The rule that was broken.
    public let reason: Reason
    /// Byte offset into the input where it was detected.
    public let offset: Int

    /// Creates an error at a byte offset.
    public init(_ reason: Reason, at offset: Int) {
        self.reason = reason
        self.offset = offset
    }

    /// `"<code> at byte <offset>"`; never includes input bytes.
    public var description: String { "\(reason.rawValue) at byte \(offset)" }
}
