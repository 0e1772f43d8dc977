import ActionGateCrypto

/// A request to seal bound arguments: the body of `POST /v1/seal`
/// (`{"action":"<id>","args":<JSON>,"ttl":"10m","subject":"<optional>"}`).
public struct SealRequest: Sendable, Equatable {
    /// The largest request body accepted before parsing (the args limit applies after).
    public static let maximumBodyBytes = 256 << 10

    public let action: String
    /// The `args` value's JSON bytes exactly as sent (sealed verbatim).
    public let arguments: [UInt8]
    public let ttl: ConfigDuration
    public let subject: String?

    /// Parses a seal request body. Unknown members are refused, so a typo (`"subjet"`) cannot silently
    /// produce a token that is not bound to the user.
    public init(parsing body: [UInt8]) throws(BoundArgumentsError) {
        guard body.count <= Self.maximumBodyBytes else { throw .argumentsTooLarge }
        let parsed: (value: JSONValue, memberRange: Range<Int>?)
        do { parsed = try JSONValue.parse(body, capturingMember: "args") } catch {
            throw .invalidRequest("the body is not JSON: \(error)")
        }
        guard case .object(let members) = parsed.value else { throw .invalidRequest("the body must be a JSON object") }
        for key in members.keys where !["action", "args", "ttl", "subject"].contains(key) {
            throw .invalidRequest("unknown member \"\(key.prefix(40))\"; expected action, args, ttl, subject")
        }
        guard case .string(let action)? = members["action"], !action.isEmpty else {
            throw .invalidRequest("\"action\" must be a non-empty string")
        }
        guard let range = parsed.memberRange else { throw .invalidRequest("\"args\" is required (any JSON value)") }
        guard case .string(let ttlText)? = members["ttl"] else {
            throw .invalidRequest("\"ttl\" must be a duration string such as \"10m\"")
        }
        let ttl: ConfigDuration
        do { ttl = try ConfigDuration(parsing: ttlText) } catch { throw .invalidTTL }
        var subject: String?
        switch members["subject"] {
        case nil: subject = nil
        case .string(let value)?: subject = value
        case .null?:
            // A handler whose user lookup came back empty must not get a token any user can replay.
            throw .invalidRequest("\"subject\" is null; leave the member out to seal a token not bound to a user")
        default: throw .invalidRequest("\"subject\" must be a string")
        }
        self.action = action
        self.arguments = Array(body[range])
        self.ttl = ttl
        self.subject = subject
    }

    /// Seals this request with `gate`'s keys and limits: the action must be configured, the ttl within
    /// `bound_args.max_ttl`, the args within `bound_args.max_size`.
    ///
    /// Returns the response body `{"token":"…","expires_at":<unix s>}`.
    public func seal(with gate: Gate, now: Int64) throws(BoundArgumentsError) -> String {
        guard gate.configuration.action(id: action) != nil else { throw .unknownAction }
        let sealed = try gate.boundArguments.seal(
            argumentsJSON: arguments, action: action, subject: subject, ttl: ttl.seconds, keys: gate.keys, now: now)
        return "{\"token\":\"\(sealed.token)\",\"expires_at\":\(sealed.expiresAt)}"
    }
}
