/// A parsed `Content-Type` value (RFC 9110 §8.3): the media type, lowercased, and its parameters.
///
/// Strict where strictness removes ambiguity: no whitespace around `=`, no duplicate parameter
/// names (two `boundary` parameters would let two parsers frame one body differently), no controls,
/// one media type only (a comma-separated list is refused). Empty `;` separators are allowed.
public struct ContentType: Sendable, Equatable {
    /// One `name=value` parameter; `name` is lowercased, `value` is unquoted and unescaped.
    public struct Parameter: Sendable, Equatable {
        /// The parameter name, lowercase.
        public var name: String
        /// The value, unquoted and unescaped.
        public var value: String

        /// A parameter; `name` should already be lowercase.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The default bound on a `Content-Type` value, in bytes.
    public static let defaultMaxLength = 1024
    /// The most parameters one value may carry.
    public static let maxParameters = 16

    /// `type/subtype`, lowercased (e.g. `multipart/form-data`). Compare allow-lists with this.
    public let mediaType: String
    /// The parameters in the order given.
    public let parameters: [Parameter]

    /// The top-level type, e.g. `multipart`.
    public var type: Substring { mediaType.prefix { $0 != "/" } }
    /// The subtype, e.g. `form-data`.
    public var subtype: Substring {
        guard let slash = mediaType.firstIndex(of: "/") else { return "" }
        return mediaType[mediaType.index(after: slash)...]
    }

    /// The value of the parameter `name` (give it lowercase), if present.
    public func parameter(_ name: String) -> String? {
        parameters.first { $0.name == name }?.value
    }

    /// The `boundary` parameter (multipart bodies), if present. Not validated here: see `MultipartForm`.
    public var boundary: String? { parameter("boundary") }
    /// The `charset` parameter, if present, as sent (charset names are case-insensitive).
    public var charset: String? { parameter("charset") }

    /// Parses a `Content-Type` header value.
    ///
    /// - Throws: `ContentTypeError` for anything malformed; callers answer 415.
    public init(parsing value: String, maxLength: Int = ContentType.defaultMaxLength) throws(ContentTypeError) {
        let parsed = value.withUTF8Buffer { bytes -> Result<ContentType, ContentTypeError> in
            guard bytes.count <= maxLength else { return .failure(.tooLong) }
            return ContentTypeParser(bytes: bytes).parse().map { ContentType(mediaType: $0.0, parameters: $0.1) }
        }
        self = try parsed.get()
    }

    /// A content type from parts; `mediaType` and parameter names should be lowercase.
    public init(mediaType: String, parameters: [Parameter] = []) {
        self.mediaType = mediaType
        self.parameters = parameters
    }
}

/// Why a `Content-Type` value was refused (stable codes for the audit log; never echoes input).
public enum ContentTypeError: String, Error, Sendable, Equatable, CaseIterable {
    /// Nothing but whitespace.
    case empty = "empty"
    /// Longer than the `maxLength` given to the parser.
    case tooLong = "too_long"
    /// Type or subtype missing, or not a token.
    case invalidMediaType = "invalid_media_type"
    /// A parameter without `=`, with a non-token name, an empty value, or whitespace around `=`.
    case invalidParameter = "invalid_parameter"
    /// A quoted value without its closing `"`.
    case unterminatedQuotedString = "unterminated_quoted_string"
    /// A control byte, or bytes after a value that are not `;`.
    case invalidCharacter = "invalid_character"
    /// The same parameter name twice (any case).
    case duplicateParameter = "duplicate_parameter"
    /// More than `ContentType.maxParameters` parameters.
    case tooManyParameters = "too_many_parameters"

    /// The rejection this error leads to: a type the gateway cannot read is not one it accepts.
    public var reason: RejectionReason { .unsupportedContentType }
}
