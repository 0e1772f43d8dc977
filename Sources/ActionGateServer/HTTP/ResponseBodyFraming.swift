/// How the gateway delimits a response body it sends to a client. The upstream's own framing is
/// never copied: the gateway regenerates it from what it knows about the body.
enum ResponseBodyFraming: Equatable {
    /// No body (HEAD, 1xx, 204, 304); a `Content-Length` for HEAD/304 describes the would-be body.
    case none(advertisedLength: Int?)
    case contentLength(Int)
    case chunked
    /// HTTP/1.0 client and a body of unknown length: the end of the body is the end of the connection.
    case untilClose

    /// Chooses the framing for a relayed response.
    ///
    /// - Parameters:
    ///   - upstreamLength: the upstream's `Content-Length` (validated by `ResponseDecoder`), if any.
    static func forRelay(status: Int, isHEAD: Bool, upstreamLength: Int?, clientIsHTTP10: Bool) -> Self {
        if status == 204 || (100..<200).contains(status) { return .none(advertisedLength: nil) }
        if isHEAD || status == 304 { return .none(advertisedLength: upstreamLength) }
        if let upstreamLength { return .contentLength(upstreamLength) }
        return clientIsHTTP10 ? .untilClose : .chunked
    }

    /// True when the body's end can only be signalled by closing the connection.
    var requiresClose: Bool { self == .untilClose }

    /// True when body bytes go to the client.
    var carriesBody: Bool {
        if case .none = self { return false }
        return true
    }
}
