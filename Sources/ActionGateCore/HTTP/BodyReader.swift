/// Reads one message body in place, as its framing says: a `Content-Length` count, chunks, or
/// everything until the connection closes. Shared by `RequestDecoder` and `ResponseDecoder`.
struct BodyReader: Equatable, Sendable {
    typealias Step = ChunkedBodyDecoder.Step

    private enum Framing: Equatable {
        case length(remaining: Int)
        case chunked(ChunkedBodyDecoder)
        case untilClose
    }

    private var framing: Framing

    /// `length` bytes (0: the body ends at once).
    init(length: Int) {
        framing = .length(remaining: length)
    }

    init(chunked decoder: ChunkedBodyDecoder) {
        framing = .chunked(decoder)
    }

    /// Everything until the connection closes (only a response body can be framed so).
    static let untilClose = BodyReader(framing: .untilClose)

    private init(framing: Framing) {
        self.framing = framing
    }

    /// The body ends only when the connection does.
    var endsAtClose: Bool { framing == .untilClose }

    /// A counted body with nothing left to read (the next `step` ends it). A chunked body is complete
    /// only once it ended, when the decoder has already moved on.
    var isComplete: Bool { framing == .length(remaining: 0) }

    /// Reads from the start of `bytes` up to the next body bytes or the body's end: the data is a
    /// range of `bytes`; nothing consumed and no data means more bytes are needed.
    mutating func step(_ bytes: UnsafeBufferPointer<UInt8>) throws(ResponseDecodingError) -> Step {
        switch framing {
        case .length(let remaining):
            guard remaining > 0 else { return Step(consumed: 0, data: nil, isEnd: true) }
            let count = min(remaining, bytes.count)
            framing = .length(remaining: remaining &- count)
            return Step(consumed: count, data: count > 0 ? 0..<count : nil, isEnd: false)
        case .chunked(var decoder):
            let step = try decoder.step(bytes)
            framing = .chunked(decoder)
            return step
        case .untilClose:
            return Step(consumed: bytes.count, data: bytes.isEmpty ? nil : 0..<bytes.count, isEnd: false)
        }
    }
}
