import ActionGateCore

/// Decodes a stream of upstream bytes with `ResponseDecoder` the way the data plane does
/// (`UpstreamConnection`): bytes arrive in pieces, unconsumed bytes wait for the next piece, and a
/// new response is expected after each one ends. Shared by the response fuzz target and the tests
/// that compare the decoder with NIO's.
struct ResponseStream: Equatable {
    struct Response: Equatable {
        var head: ResponseHead
        var body: [UInt8] = []
        var complete = false
    }

    var responses: [Response] = []
    var error: ResponseDecodingError?

    /// Decodes `bytes` cut before each index in `cuts`, expecting up to `maxResponses` responses;
    /// `closed` ends the input afterwards (a close-delimited body then completes).
    ///
    /// Throws when the decoder breaks its contract (a range outside the input, a body before a head).
    static func decode(
        _ bytes: [UInt8], isHEAD: Bool, closed: Bool, cuts: [Int], maxResponses: Int = 3, maxHeadBytes: Int = 1024
    ) throws(PropertyViolation) -> ResponseStream {
        var decoder = ResponseDecoder(maxHeadBytes: maxHeadBytes)
        decoder.expectResponse(isHEAD: isHEAD)
        var stream = ResponseStream()
        var pending: [UInt8] = []
        var start = 0
        var stopped = false
        for end in (cuts.filter { $0 > 0 && $0 < bytes.count }.sorted() + [bytes.count]) where end >= start && !stopped
        {
            pending += bytes[start..<end]
            start = end
            var offset = 0
            while !stopped {
                let step: (consumed: Int, event: ResponseDecoder.Event?)
                do {
                    step = try pending[offset...].withUnsafeBufferPointer { try decoder.decode($0) }
                } catch let error as ResponseDecodingError {
                    stream.error = error
                    return stream
                } catch {
                    throw PropertyViolation(message: "decode threw \(error)")
                }
                try PropertyViolation.check(
                    step.consumed >= 0 && step.consumed <= pending.count - offset, "consumed outside the input")
                let base = offset
                offset += step.consumed
                guard let event = step.event else { break }
                switch event {
                case .head(let head):
                    try PropertyViolation.check(stream.responses.last?.complete != false, "a head inside a response")
                    stream.responses.append(Response(head: head))
                    if head.status == 101 { stopped = true }
                case .body(let range):
                    try PropertyViolation.check(
                        !range.isEmpty && range.upperBound == step.consumed, "a body range that is not the bytes used")
                    try PropertyViolation.check(stream.responses.last?.complete == false, "a body outside a response")
                    stream.responses[stream.responses.count - 1].body +=
                        pending[(base + range.lowerBound)..<(base + range.upperBound)]
                case .end:
                    try PropertyViolation.check(stream.responses.last?.complete == false, "an end outside a response")
                    stream.responses[stream.responses.count - 1].complete = true
                    try PropertyViolation.check(decoder.isIdle, "not idle after an end")
                    if stream.responses.count < maxResponses {
                        decoder.expectResponse(isHEAD: isHEAD)
                    } else {
                        stopped = true
                    }
                }
            }
            pending.removeFirst(offset)
        }
        if closed, !stopped, decoder.inputEnded() == .end {
            stream.responses[stream.responses.count - 1].complete = true
        }
        return stream
    }

    /// The same responses and body bytes, and both failed or neither (which error is found first can
    /// depend on where the input was cut: a bare LF past the head limit, say).
    func sameOutcome(as other: ResponseStream) -> Bool {
        responses == other.responses && (error == nil) == (other.error == nil)
    }
}
