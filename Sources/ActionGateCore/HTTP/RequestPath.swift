/// An origin-form request-target (`/path?query`), validated and normalised once, so that routing
/// and the upstream see the same path.
///
/// The Gate routes on `path` ONLY and forwards `target`; it never looks at the raw request-target
/// again. Normalisation (RFC 3986 §6.2.2 plus the gateway's own rules):
/// - percent-encoded unreserved bytes (ALPHA DIGIT `-` `.` `_` `~`) are decoded, every other escape
///   is kept with uppercase hex digits (`%c3%a9` → `%C3%A9`);
/// - runs of `/` collapse to one (`//admin` → `/admin`, `/a//b/` → `/a/b/`), as nginx's
///   `merge_slashes`: an upstream then receives exactly the path that was routed, so `//admin`
///   can neither dodge an `/admin` route nor reach it under another name;
/// - the query is kept raw (not decoded), checked only for bytes that have no business in it.
///
/// Refused (all map to 400 `malformed_request`): anything but origin-form, `.` and `..` segments
/// (raw or encoded, and `..;` path parameters), encoded `/` or `\`, raw `\`, encoded controls and
/// `%00`, double encoding (`%25` followed by two hex digits, also when built from escapes), invalid
/// escapes, raw non-ASCII, controls or spaces, a fragment, and targets over `maxLength` bytes.
/// Paths stay case-sensitive: routes compare them byte for byte.
public struct RequestPath: Sendable, Equatable {
    /// The default bound on the raw request-target, in bytes.
    public static let defaultMaxLength = 8192

    /// The normalised path, always starting with `/`. Route on this, nothing else.
    public let path: String
    /// The raw query without the `?`; `nil` when the target has no `?`, empty for a bare `?`.
    public let query: String?

    /// The target to send upstream: the normalised path plus the raw query.
    public var target: String {
        guard let query else { return path }
        return path + "?" + query
    }

    /// Parses and normalises a raw request-target.
    ///
    /// - Parameter maxLength: bound on the raw target in bytes; longer targets are refused before
    ///   any other work.
    public init(parsing target: String, maxLength: Int = RequestPath.defaultMaxLength) throws(RequestPathError) {
        let parsed = target.withUTF8Buffer { RequestPath.parse($0, maxLength: maxLength, original: target) }
        switch parsed {
        case .success(let value): self = value
        case .failure(let error): throw error
        }
    }

    private init(path: String, query: String?) {
        self.path = path
        self.query = query
    }

    /// - Parameter original: the string `bytes` belong to; a target that normalisation leaves as it
    ///   is, without a query, is its own path, so the path shares its storage (no copy).
    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>, maxLength: Int, original: String) -> Result<
        RequestPath, RequestPathError
    > {
        guard !bytes.isEmpty else { return .failure(.empty) }
        guard bytes.count <= maxLength else { return .failure(.tooLong) }
        guard bytes[0] == ASCII.slash else { return .failure(classifyNonOriginForm(bytes)) }

        var pathEnd = bytes.count
        for index in 0..<bytes.count where bytes[index] == ASCII.question {
            pathEnd = index
            break
        }
        var query: String?
        if pathEnd < bytes.count {
            let queryRange = (pathEnd &+ 1)..<bytes.count
            if let error = checkQuery(bytes, queryRange) { return .failure(error) }
            query = bytes.string(queryRange)
        }
        var failure: RequestPathError?
        let path = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: pathEnd) { out -> String in
            var writer = PathWriter(out: out)
            failure = writer.write(bytes.slice(0..<pathEnd))
            guard failure == nil else { return "" }
            let written = UnsafeBufferPointer(rebasing: out[..<writer.count])
            if query == nil, written.count == bytes.count, written.elementsEqual(bytes) { return original }
            return String(decoding: written, as: UTF8.self)
        }
        if let failure { return .failure(failure) }
        return .success(RequestPath(path: path, query: query))
    }

    private static func classifyNonOriginForm(_ bytes: UnsafeBufferPointer<UInt8>) -> RequestPathError {
        if bytes.count == 1 && bytes[0] == 0x2A { return .asteriskForm }
        var index = 0
        while index &+ 2 < bytes.count {
            if bytes[index] == ASCII.colon && bytes[index &+ 1] == ASCII.slash && bytes[index &+ 2] == ASCII.slash {
                return .absoluteForm
            }
            index &+= 1
        }
        return .notOriginForm
    }

    private static func checkQuery(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> RequestPathError? {
        for index in range {
            let byte = bytes[index]
            if byte == ASCII.hash { return .fragment }
            if byte <= ASCII.space || byte == 0x7F { return .invalidCharacter }
            if byte >= 0x80 { return .nonASCII }
        }
        return nil
    }
}

/// Why a request-target was refused; every case maps to 400 `malformed_request`.
///
/// The raw values are stable codes for the audit log. The target itself is never echoed.
public enum RequestPathError: String, Error, Sendable, Equatable, CaseIterable {
    /// An empty request-target.
    case empty = "empty"
    /// Longer than `maxLength` bytes.
    case tooLong = "too_long"
    /// `*` (OPTIONS-only asterisk-form).
    case asteriskForm = "asterisk_form"
    /// `http://host/path`: the gateway only accepts origin-form.
    case absoluteForm = "absolute_form"
    /// Authority-form (`host:443`) or anything else not starting with `/`.
    case notOriginForm = "not_origin_form"
    /// A `.` or `..` segment, raw or percent-encoded, or such a segment with `;` parameters.
    case dotSegment = "dot_segment"
    /// `%2F`: a slash the router would not see but an upstream might decode.
    case encodedSlash = "encoded_slash"
    /// `%5C` or a raw `\`, which some servers treat as `/`.
    case backslash = "backslash"
    /// `%00`.
    case encodedNul = "encoded_nul"
    /// A percent-encoded control byte other than NUL.
    case encodedControl = "encoded_control"
    /// `%25` followed by two hex digits: would decode to a different path a second time.
    case doubleEncoding = "double_encoding"
    /// `%` not followed by two hex digits.
    case invalidPercentEncoding = "invalid_percent_encoding"
    /// A raw byte above 0x7F (clients must percent-encode non-ASCII).
    case nonASCII = "non_ascii"
    /// A raw control byte, space or DEL.
    case invalidCharacter = "invalid_character"
    /// A `#`: fragments are never sent by clients.
    case fragment = "fragment"

    /// The rejection this error leads to.
    public var reason: RejectionReason { .malformedRequest }
}
