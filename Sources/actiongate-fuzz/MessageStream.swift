import ActionGateCore

/// Decodes a stream of bytes with a `MessageDecoder` the way the data plane does
/// (`ByteBuffer.readMessagePart`): bytes arrive in pieces, and bytes not consumed wait for the next
/// piece. Shared by the request and response fuzz targets and the tests that compare the decoders
/// with NIO's (`RequestStream`, `ResponseStream` set the decoders up).
struct MessageStream<Decoder: MessageDecoder>: Equatable {
    struct Message: Equatable {
        var head: Decoder.Head
        var body: [UInt8] = []
        var complete = false
    }

    var messages: [Message] = []
    var error: Decoder.Failure?

    /// Decodes `bytes` cut before each index in `cuts`.
    ///
    /// - Parameters:
    ///   - continuesAfterHead: false stops reading after this head (a protocol switch).
    ///   - continuesAfterEnd: prepares the decoder for the next message; false stops reading.
    ///   - completesAtClose: whether the end of the bytes completes the last message; nil when the
    ///     input stays open.
    /// - Throws: when the decoder breaks its contract (a range outside the input, a body before a head).
    static func decode(
        _ bytes: [UInt8], cuts: [Int], decoder initial: Decoder,
        continuesAfterHead: (Decoder.Head) -> Bool = { _ in true },
        continuesAfterEnd: (inout Decoder) throws(PropertyViolation) -> Bool = { _ in true },
        completesAtClose: ((inout Decoder) -> Bool)? = nil
    ) throws(PropertyViolation) -> MessageStream {
        var decoder = initial
        var stream = MessageStream()
        var pending: [UInt8] = []
        var start = 0
        var stopped = false
        for end in (cuts.filter { $0 > 0 && $0 < bytes.count }.sorted() + [bytes.count]) where end >= start && !stopped
        {
            pending += bytes[start..<end]
            start = end
            var offset = 0
            while !stopped {
                let step: (consumed: Int, event: MessageEvent<Decoder.Head>?)
                do {
                    step = try pending[offset...].withUnsafeBufferPointer { bytes in
                        Result { () throws(Decoder.Failure) in try decoder.decode(bytes) }
                    }.get()
                } catch {
                    stream.error = error
                    return stream
                }
                try PropertyViolation.check(
                    step.consumed >= 0 && step.consumed <= pending.count - offset, "consumed outside the input")
                let base = offset
                offset += step.consumed
                guard let event = step.event else { break }
                switch event {
                case .head(let head):
                    try PropertyViolation.check(stream.messages.last?.complete != false, "a head inside a message")
                    stream.messages.append(Message(head: head))
                    stopped = !continuesAfterHead(head)
                case .body(let range):
                    try PropertyViolation.check(
                        !range.isEmpty && range.upperBound == step.consumed, "a body range that is not the bytes used")
                    try PropertyViolation.check(stream.messages.last?.complete == false, "a body outside a message")
                    stream.messages[stream.messages.count - 1].body +=
                        pending[(base + range.lowerBound)..<(base + range.upperBound)]
                case .end:
                    try PropertyViolation.check(stream.messages.last?.complete == false, "an end outside a message")
                    stream.messages[stream.messages.count - 1].complete = true
                    stopped = try !continuesAfterEnd(&decoder)
                }
            }
            pending.removeFirst(offset)
        }
        if !stopped, let completesAtClose, !stream.messages.isEmpty, completesAtClose(&decoder) {
            stream.messages[stream.messages.count - 1].complete = true
        }
        return stream
    }

    /// The same messages and body bytes, and both failed or neither (which error is found first can
    /// depend on where the input was cut: a bare LF past the head limit, say).
    func sameOutcome(as other: MessageStream) -> Bool {
        messages == other.messages && (error == nil) == (other.error == nil)
    }
}
