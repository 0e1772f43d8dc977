/// Decodes the requests on one client connection, in place: a head is parsed once complete
/// (`RequestHeadParser`), body bytes come back as ranges of the input, so the data plane hands them on
/// without a copy.
///
/// The data plane calls `decode` with the bytes it read — those not consumed by an earlier call
/// first — until it returns no event. Empty lines before a request line are skipped (RFC 9112 §2.2).
/// After a head whose framing is refused, or the end of a request that asked for `Upgrade`, the
/// decoder reads nothing more: the connection closes after the response.
public struct RequestDecoder: MessageDecoder, Sendable {
    public typealias Event = MessageEvent<DecodedRequestHead>

    private enum State: Equatable {
        /// Waiting for a head; `scanned` bytes of it were already searched for its end.
        case head(scanned: Int)
        case body(BodyReader)
        case stopped
    }

    /// Largest request head (request line and fields), `max_header_bytes`.
    public let maxHeadBytes: Int
    /// Most header fields in a head.
    public let maxHeaderCount: Int
    /// Longest chunk-size line of a request body, extensions included (they are checked, then dropped).
    public static let maxChunkLineBytes = 64 * 1024
    private var state = State.head(scanned: 0)
    /// The request under way asked for `Upgrade`: stop after it.
    private var stopAfterRequest = false

    public init(maxHeadBytes: Int, maxHeaderCount: Int) {
        self.maxHeadBytes = maxHeadBytes
        self.maxHeaderCount = maxHeaderCount
    }

    /// Nothing more is decoded on this connection (a refused framing, or after an `Upgrade` request).
    public var isStopped: Bool { state == .stopped }

    /// A request has begun and is not complete: part of a head was seen (beyond empty lines), or the
    /// body is under way. The end of the input now cuts a request short.
    public var isInsideRequest: Bool {
        switch state {
        case .head(let scanned): scanned > 0
        case .body(let body): !body.isComplete
        case .stopped: false
        }
    }

    /// Decodes from the start of `bytes`.
    ///
    /// - Returns: how many bytes were used and what they held. A `nil` event means more bytes are
    ///   needed: present the bytes not consumed again, with what follows (a head is consumed only
    ///   once complete; empty lines before it and chunk framing may be consumed without an event).
    public mutating func decode(
        _ bytes: UnsafeBufferPointer<UInt8>
    ) throws(RequestDecodingError) -> (consumed: Int, event: Event?) {
        switch state {
        case .stopped:
            return (0, nil)
        case .head(let scanned):
            var start = 0
            if scanned == 0 {
                while bytes.count &- start >= 2, bytes[start] == ASCII.cr, bytes[start &+ 1] == ASCII.lf {
                    start &+= 2
                }
                if bytes.count &- start == 1, bytes[start] == ASCII.cr { return (start, nil) }
            }
            let rest = bytes.slice(start..<bytes.count)
            guard let end = try headEnd(rest, from: scanned) else {
                guard rest.count <= maxHeadBytes else {
                    throw RequestDecodingError(.headTooLarge, "\(rest.count) bytes without a complete head")
                }
                state = .head(scanned: rest.count)
                return (start, nil)
            }
            guard end <= maxHeadBytes else {
                throw RequestDecodingError(.headTooLarge, "a head of \(end) bytes, limit \(maxHeadBytes)")
            }
            let head = try RequestHeadParser.parse(rest.slice(0..<end), maxHeaderCount: maxHeaderCount)
            switch head.framing {
            case .failure:
                state = .stopped
            case .success(let framing):
                stopAfterRequest = framing.asksUpgrade
                switch framing.body {
                case .none: state = .body(BodyReader(length: 0))
                case .contentLength(let length): state = .body(BodyReader(length: length))
                case .chunked:
                    let chunks = ChunkedBodyDecoder(strictExtensions: false, maxSizeLineBytes: Self.maxChunkLineBytes)
                    state = .body(BodyReader(chunked: chunks))
                }
            }
            return (start &+ end, .head(head))
        case .body(var body):
            let step: BodyReader.Step
            do {
                step = try body.step(bytes)
            } catch {
                state = .stopped
                throw RequestDecodingError(.parseError, error.detail)
            }
            if step.isEnd {
                finishRequest()
                return (step.consumed, .end)
            }
            state = .body(body)
            return (step.consumed, step.data.map { .body($0) })
        }
    }

    private mutating func finishRequest() {
        state = stopAfterRequest ? .stopped : .head(scanned: 0)
    }

    /// The index just past the empty line that ends the head, if `bytes` holds it; refuses a bare LF.
    private func headEnd(_ bytes: UnsafeBufferPointer<UInt8>, from scanned: Int) throws(RequestDecodingError) -> Int? {
        do {
            return try HTTPHeadSyntax.headEnd(bytes, from: scanned, limit: maxHeadBytes &+ 4)
        } catch {
            throw RequestDecodingError(.parseError, "bare LF in the head")
        }
    }
}
