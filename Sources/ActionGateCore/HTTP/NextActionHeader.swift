/// The `Next-Action` request header: which action a Next.js client calls (a "fetch action").
///
/// Exactly one header line, whose value (trimmed of SP/HTAB) has an `ActionIDShape`. Two lines, an
/// empty value, or any other value (a comma list included) is 400 `invalid_action_id`: Next.js
/// treats any present header, even empty, as a fetch action, so a present header is never ignored.
public struct NextActionHeader: Sendable, Equatable {
    /// The header name.
    public static let name = "Next-Action"

    /// The action id named.
    public let id: String
    /// Which shape the id has.
    public let shape: ActionIDShape

    /// Reads the header from `headers`; `nil` when there is none.
    ///
    /// - Throws: `NextActionHeaderError` (always 400 `invalid_action_id`).
    public static func parse(_ headers: HeaderFields) throws(NextActionHeaderError) -> NextActionHeader? {
        var found: String?
        for field in headers where field.name.asciiCaseInsensitiveEquals(name) {
            guard found == nil else { throw .duplicated }
            found = field.value
        }
        guard let found else { return nil }
        let result = found.withUTF8Buffer { bytes -> Result<NextActionHeader, NextActionHeaderError> in
            let value = ASCII.trimmedOWS(bytes, 0..<bytes.count)
            guard !value.isEmpty else { return .failure(.empty) }
            guard let shape = ActionIDShape.of(bytes.slice(value)) else { return .failure(.malformed) }
            return .success(NextActionHeader(id: bytes.string(value), shape: shape))
        }
        return try result.get()
    }

    private init(id: String, shape: ActionIDShape) {
        self.id = id
        self.shape = shape
    }
}

/// Why a `Next-Action` header was refused; every case maps to 400 `invalid_action_id`.
public enum NextActionHeaderError: String, Error, Sendable, Equatable, CaseIterable {
    /// More than one `Next-Action` line.
    case duplicated = "duplicated"
    /// The value is empty or whitespace.
    case empty = "empty"
    /// Neither a Next.js id nor a configured-id shape.
    case malformed = "malformed"

    /// The rejection this error leads to.
    public var reason: RejectionReason { .invalidActionID }
}
