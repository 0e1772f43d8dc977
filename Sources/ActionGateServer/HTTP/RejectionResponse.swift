import ActionGateCore
import NIOCore

/// Serialises a rejection: status, the rejection's extra headers, JSON body, `no-store`.
enum RejectionResponse {
    /// Writes the whole response (head and, unless `isHEAD`, the JSON body) into `buffer`.
    static func write(
        _ rejection: Rejection,
        requestID: String,
        isHEAD: Bool,
        close: Bool,
        keepAliveForHTTP10: Bool,
        into buffer: inout ByteBuffer
    ) {
        let body = Rejection.body(reason: rejection.reason, requestID: requestID)
        var headers = rejection.headers
        headers.replace("content-type", "application/json")
        headers.replace("cache-control", "no-store")
        ResponseHeadWriter.write(
            status: rejection.status,
            headers: headers,
            framing: isHEAD ? .none(advertisedLength: body.utf8.count) : .contentLength(body.utf8.count),
            close: close,
            keepAliveForHTTP10: keepAliveForHTTP10,
            into: &buffer
        )
        if !isHEAD { buffer.writeString(body) }
    }

    /// `HTTP/1.1 100 Continue` and its blank line.
    static let continueBytes: ByteBuffer = ByteBuffer(string: "HTTP/1.1 100 Continue\r\n\r\n")
}
