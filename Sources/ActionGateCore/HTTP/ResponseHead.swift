/// A final (non-1xx) response head from an upstream, parsed and with its framing validated.
public struct ResponseHead: Equatable, Sendable {
    /// How the body of this response is delimited on the upstream connection.
    public enum Body: Equatable, Sendable {
        /// No body: a response to HEAD, 1xx, 204, 304.
        case none
        case contentLength(Int)
        case chunked
        /// No length: the body ends when the upstream closes the connection.
        case untilClose
    }

    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    public var minorVersion: Int
    public var status: Int
    /// The fields in order, as received (the reason phrase is dropped: the gateway writes its own).
    public var fields: HeaderFields
    /// The validated `Content-Length`, if any (also for HEAD and 304, where it describes the
    /// would-be body).
    public var contentLength: Int?
    public var body: Body
    /// The upstream allows another request on this connection after this response.
    public var keepAlive: Bool
    /// `Transfer-Encoding` names a coding other than `chunked` (`gzip, chunked`, `gzip`): the framing
    /// is still known (chunked, or until close), but the bytes are encoded with a coding the
    /// gateway does not decode, and removing `Transfer-Encoding` without decoding would corrupt
    /// the body (RFC 9112 §6.1).
    public var hasOtherTransferCoding: Bool

    public init(
        minorVersion: Int, status: Int, fields: HeaderFields, contentLength: Int?, body: Body, keepAlive: Bool,
        hasOtherTransferCoding: Bool = false
    ) {
        self.minorVersion = minorVersion
        self.status = status
        self.fields = fields
        self.contentLength = contentLength
        self.body = body
        self.keepAlive = keepAlive
        self.hasOtherTransferCoding = hasOtherTransferCoding
    }
}
