/// How a request body is delimited on the wire, as validated at the boundary.
public enum RequestBodyFraming: Equatable, Sendable {
    case none
    case contentLength(Int)
    case chunked
}

/// The framing facts of one request head that passed the boundary checks (`RequestHeadParser`).
public struct RequestFraming: Equatable, Sendable {
    public var body: RequestBodyFraming
    /// The client asked to keep the connection open (HTTP/1.1 default, HTTP/1.0 opt-in).
    public var keepAlive: Bool
    /// `Expect: 100-continue` on HTTP/1.1, with a body.
    public var expectsContinue: Bool
    /// The request carries `Upgrade` (or is a `CONNECT`). The gateway never switches protocols and
    /// stops reading after such a request, so its connection closes after the response.
    public var asksUpgrade: Bool
    public var isHTTP10: Bool

    public init(body: RequestBodyFraming, keepAlive: Bool, expectsContinue: Bool, asksUpgrade: Bool, isHTTP10: Bool) {
        self.body = body
        self.keepAlive = keepAlive
        self.expectsContinue = expectsContinue
        self.asksUpgrade = asksUpgrade
        self.isHTTP10 = isHTTP10
    }
}
