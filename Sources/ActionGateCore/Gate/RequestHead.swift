/// The head of one client request, as the data plane parsed it, before any decision.
///
/// The data plane has already enforced HTTP/1.1 framing (DESIGN.md step 1: CL/TE conflicts, header
/// size, invalid bytes); everything about *meaning* is decided by the Gate.
public struct RequestHead: Sendable, Equatable {
    /// The request method exactly as sent (methods are case-sensitive).
    public var method: String
    /// The raw request-target (origin-form: path and optional query), not yet normalised.
    public var target: String
    public var headers: HeaderFields
    /// The TCP peer's address in text form (`127.0.0.1`, `::1`, `::ffff:10.0.0.1`).
    public var peerAddress: String
    /// The body length when the client declared one with `Content-Length`; `nil` for chunked or none.
    public var contentLength: Int?
    /// True when the request carries a body (`Content-Length` > 0 or chunked).
    public var hasBody: Bool
    /// The gateway-assigned id for this request (logs, `X-ActionGate-Request-Id`, rejection bodies).
    public var requestID: String

    public init(
        method: String,
        target: String,
        headers: HeaderFields,
        peerAddress: String,
        contentLength: Int? = nil,
        hasBody: Bool = false,
        requestID: String
    ) {
        self.method = method
        self.target = target
        self.headers = headers
        self.peerAddress = peerAddress
        self.contentLength = contentLength
        self.hasBody = hasBody
        self.requestID = requestID
    }
}
