/// What the Gate needs from a form body (multipart or URL-encoded): every field name in order, and
/// the values of the fields whose names start with `$ACTION_` (React's action markers).
///
/// Other values are never copied: the Gate does not need them, and a body is bounded by the
/// route's limit anyway.
public struct FormFields: Sendable, Equatable {
    /// A field whose name starts with `$ACTION_`, with its value.
    public struct ActionField: Sendable, Equatable {
        /// The field name, decoded as the upstream's form parser decodes it.
        public var name: String
        /// The value's bytes, at most the parser's `maxActionValueBytes`.
        public var value: [UInt8]
        /// True when the value was longer than the cap and `value` holds only its beginning.
        public var isTruncated: Bool
        /// True for a multipart part with a `filename` (a `File` to React, not a string).
        public var isFile: Bool

        /// An action field.
        public init(name: String, value: [UInt8], isTruncated: Bool = false, isFile: Bool = false) {
            self.name = name
            self.value = value
            self.isTruncated = isTruncated
            self.isFile = isFile
        }
    }

    /// The prefix of every React action marker field.
    public static let actionPrefix = "$ACTION_"
    static let actionPrefixBytes: [UInt8] = Array("$ACTION_".utf8)

    /// Every field name, in body order (duplicates kept).
    public var names: [String]
    /// The `$ACTION_`-prefixed fields, in body order.
    public var actionFields: [ActionField]

    /// Form fields from parts.
    public init(names: [String] = [], actionFields: [ActionField] = []) {
        self.names = names
        self.actionFields = actionFields
    }

    /// The bounds every form parser applies.
    public struct Limits: Sendable, Equatable {
        /// Most fields (multipart parts) in one body; default 1000.
        public var maxFields: Int
        /// Longest field name in bytes, after decoding; default 1024.
        public var maxFieldNameBytes: Int
        /// Most bytes kept of one `$ACTION_` value; longer values are truncated, flagged; default 64 KiB.
        public var maxActionValueBytes: Int
        /// Most header bytes of one multipart part (all its header lines); default 8 KiB.
        public var maxPartHeaderBytes: Int

        /// Limits; the defaults suit the Gate.
        public init(
            maxFields: Int = 1000,
            maxFieldNameBytes: Int = 1024,
            maxActionValueBytes: Int = 64 * 1024,
            maxPartHeaderBytes: Int = 8 * 1024
        ) {
            self.maxFields = maxFields
            self.maxFieldNameBytes = maxFieldNameBytes
            self.maxActionValueBytes = maxActionValueBytes
            self.maxPartHeaderBytes = maxPartHeaderBytes
        }
    }
}
