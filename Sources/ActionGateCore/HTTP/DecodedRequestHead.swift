/// A request head as `RequestDecoder` read it off the wire.
public struct DecodedRequestHead: Equatable, Sendable {
    public var method: String
    /// The request target exactly as sent (visible ASCII only).
    public var target: String
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    public var minorVersion: Int
    public var fields: HeaderFields
    /// The framing, or why the head is refused (after which the decoder reads nothing more: the
    /// body's extent is unknown).
    public var framing: Result<RequestFraming, FramingViolation>

    public init(
        method: String, target: String, minorVersion: Int, fields: HeaderFields,
        framing: Result<RequestFraming, FramingViolation>
    ) {
        self.method = method
        self.target = target
        self.minorVersion = minorVersion
        self.fields = fields
        self.framing = framing
    }
}
