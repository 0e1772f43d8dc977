/// Decodes the responses on one upstream connection, in place: heads are parsed once complete, body
/// bytes come back as ranges of the input, so the data plane relays them without a copy.
///
/// The data plane calls `expectResponse(isHEAD:)` as it sends each request (it knows the method,
/// which decides whether a response has a body), then `decode` with the bytes it read — those not
/// consumed by an earlier call first — until it returns no event. Interim 1xx responses other than
/// 101 are skipped. Bytes while no response is expected are refused (`unsolicitedResponse`).
public struct ResponseDecoder: MessageDecoder, Sendable {
    public typealias Event = MessageEvent<ResponseHead>

    private enum State: Equatable {
        case idle
        /// Waiting for a head; `scanned` bytes of it were already searched for its end.
        case head(isHEAD: Bool, scanned: Int)
        case body(BodyReader)
    }

    /// Largest response head (status line and fields).
    public let maxHeadBytes: Int
    private var state = State.idle

    public init(maxHeadBytes: Int = 64 * 1024) {
        self.maxHeadBytes = maxHeadBytes
    }

    /// No response is expected or under way.
    public var isIdle: Bool { state == .idle }

    /// A request was sent: its response comes next. (The data plane calls this only when idle, on a
    /// new connection or after a complete response; any other state would be discarded.)
    public mutating func expectResponse(isHEAD: Bool) {
        assert(state == .idle, "a response is already expected")
        state = .head(isHEAD: isHEAD, scanned: 0)
    }

    /// Decodes from the start of `bytes`.
    ///
    /// - Returns: how many bytes were used and what they held. A `nil` event means more bytes are
    ///   needed: present the bytes not consumed again, with what follows (a head is consumed only
    ///   once complete; interim responses and chunk framing may be consumed without an event).
    public mutating func decode(
        _ bytes: UnsafeBufferPointer<UInt8>
    ) throws(ResponseDecodingError) -> (consumed: Int, event: Event?) {
        switch state {
        case .idle:
            if !bytes.isEmpty { throw .unsolicitedResponse }
            return (0, nil)
        case .head(let isHEAD, let scanned):
            var start = 0  // past the interim responses skipped in this call
            var searchFrom = scanned
            while true {
                let rest = bytes.slice(start..<bytes.count)
                guard let end = try headEnd(rest, from: searchFrom) else {
                    guard rest.count <= maxHeadBytes else { throw .headTooLarge }
                    state = .head(isHEAD: isHEAD, scanned: rest.count)
                    return (start, nil)
                }
                guard end <= maxHeadBytes else { throw .headTooLarge }
                let head = try ResponseHeadParser.parse(rest.slice(0..<end), isHEAD: isHEAD)
                if head.status < 200 && head.status != 101 {
                    start &+= end  // interim: the final response follows
                    searchFrom = 0
                    continue
                }
                switch head.body {
                case .none: state = .body(BodyReader(length: 0))
                case .contentLength(let length): state = .body(BodyReader(length: length))
                case .chunked: state = .body(BodyReader(chunked: ChunkedBodyDecoder()))
                case .untilClose: state = .body(.untilClose)
                }
                if head.status == 101 { state = .idle }
                return (start &+ end, .head(head))
            }
        case .body(var body):
            let step = try body.step(bytes)
            if step.isEnd {
                state = .idle
                return (step.consumed, .end)
            }
            state = .body(body)
            return (step.consumed, step.data.map { .body($0) })
        }
    }

    /// The upstream closed its side: ends a body delimited by the close; otherwise `nil` (a response
    /// cut short is the caller's to report, as it knows whether one was under way).
    public mutating func inputEnded() -> Event? {
        guard case .body(let body) = state, body.endsAtClose else { return nil }
        state = .idle
        return .end
    }

    /// The index just past the empty line that ends the head, if `bytes` holds it; refuses a bare LF.
    private func headEnd(_ bytes: UnsafeBufferPointer<UInt8>, from scanned: Int) throws(ResponseDecodingError) -> Int? {
        do {
            return try HTTPHeadSyntax.headEnd(bytes, from: scanned, limit: maxHeadBytes &+ 4)
        } catch {
            throw .invalidLineEnding
        }
    }
}
