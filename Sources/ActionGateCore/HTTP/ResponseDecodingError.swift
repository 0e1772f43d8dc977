/// Why bytes from an upstream are not a well-formed HTTP/1.1 response (RFC 9112).
///
/// The data plane closes the upstream connection on any of these: the client gets 502 before its
/// response started, or a closed connection after.
public enum ResponseDecodingError: Error, Equatable, Sendable {
    /// The status line is not `HTTP/1.0` or `HTTP/1.1`, a three-digit status 100–599 and a reason.
    case invalidStatusLine
    /// A field line is not `token ":" OWS value OWS`, or it holds a control byte.
    case invalidField
    /// A field line starts with whitespace (obs-fold, RFC 9112 §5.2).
    case obsoleteLineFolding
    /// A line ends with a bare LF or holds a bare CR.
    case invalidLineEnding
    /// The head is larger than the limit.
    case headTooLarge
    /// `Content-Length` is not one decimal number, or appears twice.
    case invalidContentLength
    /// `Transfer-Encoding` and `Content-Length` together, or `chunked` applied twice or not last.
    case invalidTransferEncoding
    /// A chunk-size line is not `1*HEXDIG [chunk-ext] CRLF`, its size overflows, or its extensions
    /// are longer than the limit.
    case invalidChunkSize
    /// Chunk data is not followed by CRLF.
    case invalidChunkTerminator
    /// The trailer section is malformed or larger than the limit.
    case invalidTrailer
    /// Bytes arrived while no response was expected (none was asked for, or one already ended).
    case unsolicitedResponse
    /// The connection ended before the message did.
    case truncated

    /// Text for the audit log.
    public var detail: String {
        switch self {
        case .invalidStatusLine: "invalid status line"
        case .invalidField: "invalid header field"
        case .obsoleteLineFolding: "obsolete line folding in the head"
        case .invalidLineEnding: "bare CR or LF in the head"
        case .headTooLarge: "response head too large"
        case .invalidContentLength: "invalid or repeated Content-Length"
        case .invalidTransferEncoding: "invalid Transfer-Encoding (or with Content-Length)"
        case .invalidChunkSize: "invalid chunk size line"
        case .invalidChunkTerminator: "chunk data not followed by CRLF"
        case .invalidTrailer: "invalid trailer section"
        case .unsolicitedResponse: "bytes with no request outstanding"
        case .truncated: "connection ended inside the response"
        }
    }
}
