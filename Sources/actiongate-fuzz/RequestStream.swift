import ActionGateCore

/// Decodes a stream of client bytes with `RequestDecoder` the way the data plane does
/// (`ClientConnectionHandler`): bytes arrive in pieces and unconsumed bytes wait for the next piece.
/// Shared by the request fuzz target and the tests that compare the decoder with NIO's.
struct RequestStream: Equatable {
    struct Request: Equatable {
        var head: DecodedRequestHead
        var body: [UInt8] = []
        var complete = false
    }

    var requests: [Request] = []
    var error: RequestDecodingError?

    /// Decodes `bytes` cut before each index in `cuts`.
    ///
    /// Throws when the decoder breaks its contract (a range outside the input, a body before a head).
    static func decode(
        _ bytes: [UInt8], cuts: [Int], maxHeadBytes: Int = 1024, maxHeaderCount: Int = 16
    ) throws(PropertyViolation) -> RequestStream {
        var decoder = RequestDecoder(maxHeadBytes: maxHeadBytes, maxHeaderCount: maxHeaderCount)
        var stream = RequestStream()
        var pending: [UInt8] = []
        var start = 0
        for end in (cuts.filter { $0 > 0 && $0 < bytes.count }.sorted() + [bytes.count]) where end >= start {
            pending += bytes[start..<end]
            start = end
            var offset = 0
            while true {
                let step: (consumed: Int, event: RequestDecoder.Event?)
                do {
                    step = try pending[offset...].withUnsafeBufferPointer { try decoder.decode($0) }
                } catch let error as RequestDecodingError {
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
                    try PropertyViolation.check(stream.requests.last?.complete != false, "a head inside a request")
                    stream.requests.append(Request(head: head))
                case .body(let range):
                    try PropertyViolation.check(
                        !range.isEmpty && range.upperBound == step.consumed, "a body range that is not the bytes used")
                    try PropertyViolation.check(stream.requests.last?.complete == false, "a body outside a request")
                    stream.requests[stream.requests.count - 1].body +=
                        pending[(base + range.lowerBound)..<(base + range.upperBound)]
                case .end:
                    try PropertyViolation.check(stream.requests.last?.complete == false, "an end outside a request")
                    stream.requests[stream.requests.count - 1].complete = true
                }
            }
            pending.removeFirst(offset)
        }
        return stream
    }

    /// The same requests and body bytes, and both failed or neither.
    func sameOutcome(as other: RequestStream) -> Bool {
        requests == other.requests && (error == nil) == (other.error == nil)
    }
}
