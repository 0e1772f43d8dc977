import ActionGateCore

/// Client requests decoded as `ClientConnectionHandler` decodes them.
typealias RequestStream = MessageStream<RequestDecoder>
/// Upstream responses decoded as `UpstreamConnection` decodes them.
typealias ResponseStream = MessageStream<ResponseDecoder>

extension MessageStream where Decoder == RequestDecoder {
    static func decode(
        _ bytes: [UInt8], cuts: [Int], maxHeadBytes: Int = 1024, maxHeaderCount: Int = 16
    ) throws(PropertyViolation) -> RequestStream {
        try decode(
            bytes, cuts: cuts, decoder: RequestDecoder(maxHeadBytes: maxHeadBytes, maxHeaderCount: maxHeaderCount))
    }
}

extension MessageStream where Decoder == ResponseDecoder {
    /// Expects a response to a request (HEAD or not), and after each one ends another, up to
    /// `maxResponses`; `closed` ends the input afterwards (a close-delimited body then completes).
    static func decode(
        _ bytes: [UInt8], isHEAD: Bool, closed: Bool, cuts: [Int], maxResponses: Int = 3, maxHeadBytes: Int = 1024
    ) throws(PropertyViolation) -> ResponseStream {
        var decoder = ResponseDecoder(maxHeadBytes: maxHeadBytes)
        decoder.expectResponse(isHEAD: isHEAD)
        var responses = 0
        return try decode(
            bytes, cuts: cuts, decoder: decoder,
            continuesAfterHead: { $0.status != 101 },
            continuesAfterEnd: { (decoder: inout ResponseDecoder) throws(PropertyViolation) -> Bool in
                try PropertyViolation.check(decoder.isIdle, "not idle after an end")
                responses += 1
                guard responses < maxResponses else { return false }
                decoder.expectResponse(isHEAD: isHEAD)
                return true
            },
            completesAtClose: closed ? { $0.inputEnded() == .end } : nil
        )
    }
}
