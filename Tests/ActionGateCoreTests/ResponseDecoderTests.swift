import Testing

@testable import ActionGateCore

/// `ResponseDecoder`, the in-place decoder of upstream responses: framing, keep-alive, interim
/// responses, and every malformed shape it must refuse. Each valid case is also decoded one byte at a
/// time, which must give the same result as decoding it whole.
@Suite struct ResponseDecoderTests {
    /// What a stream of bytes decoded to, as the data plane would see it.
    struct Decoded: Equatable {
        var heads: [ResponseHead] = []
        var body: [UInt8] = []
        var ends = 0
        var error: ResponseDecodingError?
        /// Bytes left after the last event (an incomplete head, or bytes after the response).
        var leftover = 0
    }

    /// Decodes `pieces` in order, keeping unconsumed bytes for the next piece as the data plane does;
    /// `closed` ends the input afterwards.
    static func decode(
        _ pieces: [[UInt8]], isHEAD: Bool = false, closed: Bool = false, maxHeadBytes: Int = 64 * 1024
    ) -> Decoded {
        var decoder = ResponseDecoder(maxHeadBytes: maxHeadBytes)
        decoder.expectResponse(isHEAD: isHEAD)
        var result = Decoded()
        var pending: [UInt8] = []
        do {
            for piece in pieces {
                pending += piece
                var offset = 0
                while true {
                    let (consumed, event) = try pending[offset...].withUnsafeBufferPointer {
                        try decoder.decode($0)
                    }
                    #expect(consumed >= 0 && offset + consumed <= pending.count)
                    switch event {
                    case nil:
                        offset += consumed
                    case .head(let head):
                        result.heads.append(head)
                        offset += consumed
                        continue
                    case .body(let range):
                        #expect(range.upperBound == consumed && !range.isEmpty)
                        result.body += pending[(offset + range.lowerBound)..<(offset + range.upperBound)]
                        offset += consumed
                        continue
                    case .end:
                        result.ends += 1
                        offset += consumed
                    }
                    break
                }
                pending.removeFirst(offset)
                if result.ends > 0 { break }
            }
            if closed, result.ends == 0, decoder.inputEnded() == .end { result.ends += 1 }
        } catch let error as ResponseDecodingError {
            result.error = error
        } catch {
            Issue.record("not a ResponseDecodingError: \(error)")
        }
        result.leftover = pending.count
        return result
    }

    /// `text` decoded whole, checked to decode the same one byte at a time.
    static func decodeBothWays(_ text: String, isHEAD: Bool = false, closed: Bool = false) -> Decoded {
        let bytes = Array(text.utf8)
        let whole = decode([bytes], isHEAD: isHEAD, closed: closed)
        let split = decode(bytes.map { [$0] }, isHEAD: isHEAD, closed: closed)
        #expect(whole.heads == split.heads && whole.body == split.body && whole.ends == split.ends)
        #expect((whole.error == nil) == (split.error == nil))
        return whole
    }

    @Test func contentLengthBody() {
        let decoded = Self.decodeBothWays("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A:  b c \r\n\r\nhello")
        #expect(decoded.error == nil && decoded.ends == 1 && decoded.leftover == 0)
        #expect(String(decoding: decoded.body, as: UTF8.self) == "hello")
        let head = decoded.heads.first
        #expect(head?.status == 200 && head?.minorVersion == 1 && head?.keepAlive == true)
        #expect(head?.contentLength == 5 && head?.body == .contentLength(5))
        #expect(head?.fields == HeaderFields([("Content-Length", "5"), ("X-A", "b c")]))
    }

    @Test func bytesAfterTheBodyAreLeftOver() {
        let decoded = Self.decode([Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA".utf8)])
        #expect(decoded.ends == 1 && decoded.body == Array("ok".utf8) && decoded.leftover == 5)
    }

    @Test func chunkedBodyWithExtensionsAndTrailers() {
        let decoded = Self.decodeBothWays(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                + "5;name=\"v;\\\"x\"\r\nhello\r\nA ; a = b;c;d=\"\"\r\n, world!!!\r\n"
                + "0\r\nX-Trailer: 1\r\nX-Other:\r\n\r\n")
        #expect(decoded.error == nil && decoded.ends == 1 && decoded.leftover == 0)
        #expect(String(decoding: decoded.body, as: UTF8.self) == "hello, world!!!")
        #expect(decoded.heads.first?.body == .chunked)
        #expect(decoded.heads.first?.hasOtherTransferCoding == true)
        let plain = Self.decodeBothWays("HTTP/1.1 200 OK\r\nTransfer-Encoding: CHUNKED\r\n\r\n0\r\n\r\n")
        #expect(plain.heads.first?.body == .chunked && plain.heads.first?.hasOtherTransferCoding == false)
    }

    @Test func bodilessResponses() {
        // HEAD, 204 and 304 end at the head, whatever their fields say; HEAD and 304 keep the length.
        for (text, isHEAD, length) in [
            ("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", true, 10),
            ("HTTP/1.1 304 Not Modified\r\nContent-Length: 7\r\n\r\n", false, 7),
            ("HTTP/1.1 204 No Content\r\n\r\n", false, nil),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", true, nil),
        ] as [(String, Bool, Int?)] {
            let decoded = Self.decodeBothWays(text, isHEAD: isHEAD)
            #expect(decoded.error == nil && decoded.ends == 1 && decoded.body.isEmpty, "\(text)")
            #expect(decoded.heads.first?.body == ResponseHead.Body.none && decoded.heads.first?.contentLength == length)
            #expect(decoded.heads.first?.keepAlive == true)
        }
    }

    @Test func interimResponsesAreSkipped() {
        let decoded = Self.decodeBothWays(
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n"
                + "HTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\nx")
        #expect(decoded.heads.map(\.status) == [201] && decoded.body == [UInt8(ascii: "x")] && decoded.ends == 1)
    }

    @Test func switchingProtocolsIsReported() {
        let decoded = Self.decode([Array("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\nbinary".utf8)])
        #expect(decoded.heads.map(\.status) == [101])
        #expect(decoded.error == .unsolicitedResponse)  // nothing after a 101 is HTTP/1.1
    }

    @Test func closeDelimitedBodies() {
        for text in [
            "HTTP/1.0 200 OK\r\n\r\nall of it",
            "HTTP/1.1 200 OK\r\nConnection: keep-alive\r\n\r\nall of it",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nall of it",
        ] {
            let open = Self.decodeBothWays(text)
            #expect(open.ends == 0 && open.error == nil && open.body == Array("all of it".utf8), "\(text)")
            let closed = Self.decodeBothWays(text, closed: true)
            #expect(closed.ends == 1 && closed.heads.first?.body == .untilClose)
            #expect(closed.heads.first?.keepAlive == false)
        }
        // A head cut short by the close is not a response.
        #expect(Self.decode([Array("HTTP/1.1 200 OK\r\n".utf8)], closed: true).ends == 0)
        #expect(Self.decode([Array("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nab".utf8)], closed: true).ends == 0)
    }

    @Test(arguments: [
        ("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", true),
        ("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", false),
        ("HTTP/1.1 200 OK\r\nConnection: Upgrade, CLOSE\r\nContent-Length: 0\r\n\r\n", false),
        ("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", false),
        ("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n", true),
        ("HTTP/1.0 200 OK\r\nConnection: keep-alive, close\r\nContent-Length: 0\r\n\r\n", false),
    ])
    func keepAlive(_ text: String, _ keepAlive: Bool) {
        #expect(Self.decodeBothWays(text).heads.first?.keepAlive == keepAlive)
    }

    @Test func statusLineShapes() {
        for text in ["HTTP/1.1 200\r\n\r\n", "HTTP/1.1 200 \r\n\r\n", "HTTP/1.1 599 Custom\twith tab\r\n\r\n"] {
            #expect(Self.decodeBothWays(text, closed: true).error == nil, "\(text)")
        }
    }

    @Test(arguments: [
        ("HTTP/2.0 200 OK\r\n\r\n", ResponseDecodingError.invalidStatusLine),
        ("HTTP/1.2 200 OK\r\n\r\n", .invalidStatusLine),
        ("http/1.1 200 OK\r\n\r\n", .invalidStatusLine),
        ("HTTP/1.1 99 OK\r\n\r\n", .invalidStatusLine),
        ("HTTP/1.1 600 OK\r\n\r\n", .invalidStatusLine),
        ("HTTP/1.1 2000 OK\r\n\r\n", .invalidStatusLine),
        ("HTTP/1.1  200 OK\r\n\r\n", .invalidStatusLine),
        ("HTTP/1.1 200OK\r\n\r\n", .invalidStatusLine),
        ("HTTP/1.1 200 O\u{0}K\r\n\r\n", .invalidStatusLine),
        ("\r\nHTTP/1.1 200 OK\r\n\r\n", .invalidStatusLine),
        ("HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n", .invalidLineEnding),
        ("HTTP/1.1 200 OK\r\nContent-Length: 0\n\n", .invalidLineEnding),
        ("HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n", .invalidLineEnding),
        ("HTTP/1.1 200 OK\r\nX: a\u{0}b\r\n\r\n", .invalidField),
        ("HTTP/1.1 200 OK\r\nX: a\u{7F}b\r\n\r\n", .invalidField),
        ("HTTP/1.1 200 OK\r\nX : a\r\n\r\n", .invalidField),
        ("HTTP/1.1 200 OK\r\n: a\r\n\r\n", .invalidField),
        ("HTTP/1.1 200 OK\r\nX(a): a\r\n\r\n", .invalidField),
        ("HTTP/1.1 200 OK\r\nno colon\r\n\r\n", .invalidField),
        ("HTTP/1.1 200 OK\r\nX: a\r\n folded\r\n\r\n", .obsoleteLineFolding),
        ("HTTP/1.1 200 OK\r\n\tX: a\r\n\r\n", .obsoleteLineFolding),
        ("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n", .invalidContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: 1, 1\r\n\r\n", .invalidContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: +1\r\n\r\n", .invalidContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", .invalidContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\n", .invalidContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n", .invalidContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n", .invalidContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", .invalidTransferEncoding),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 1\r\n\r\n", .invalidTransferEncoding),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", .invalidTransferEncoding),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", .invalidTransferEncoding),
        (
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
            .invalidTransferEncoding
        ),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding:\r\n\r\n", .invalidTransferEncoding),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chun ked\r\n\r\n", .invalidTransferEncoding),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nG\r\n", .invalidChunkSize),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", .invalidChunkSize),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n 5\r\nhello\r\n", .invalidChunkSize),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1 0\r\n", .invalidChunkSize),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n", .invalidChunkSize),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\n", .invalidChunkSize),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n", .invalidChunkSize),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;a\u{1}\r\nhello\r\n", .invalidChunkSize),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\n", .invalidChunkSize),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;\r\nhello\r\n", .invalidChunkSize),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;a=\r\nhello\r\n", .invalidChunkSize),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;a b\r\nhello\r\n", .invalidChunkSize),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;a=\"b\r\nhello\r\n", .invalidChunkSize),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;a=\"b\"c\r\nhello\r\n", .invalidChunkSize),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;a=b\"\r\nhello\r\n", .invalidChunkSize),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;a=b \r\nhello\r\n", .invalidChunkSize),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;a\"b\r\nhello\r\n", .invalidChunkSize),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloX\r\n0\r\n\r\n", .invalidChunkTerminator),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\n0\r\n\r\n", .invalidChunkTerminator),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n folded: x\r\n\r\n", .invalidTrailer),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: a\nY: b\r\n\r\n", .invalidTrailer),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: a\u{0}\r\n\r\n", .invalidTrailer),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\r\n", .invalidTrailer),
    ])
    func malformedResponsesAreRefused(_ text: String, _ error: ResponseDecodingError) {
        #expect(Self.decode([Array(text.utf8)], closed: true).error == error)
        #expect(Self.decode(Array(text.utf8).map { [$0] }, closed: true).error == error, "one byte at a time")
    }

    @Test func chunkSizesUpToIntMaxAreRead() {
        // 7fffffffffffffff is Int.max: a valid size line (the body then never ends here).
        let decoded = Self.decode([
            Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7fffffffffffffff\r\nabc".utf8)
        ])
        #expect(decoded.error == nil && decoded.body == Array("abc".utf8))
    }

    @Test func limitsAreEnforced() {
        let big = "HTTP/1.1 200 OK\r\nX: " + String(repeating: "a", count: 200) + "\r\n\r\n"
        #expect(Self.decode([Array(big.utf8)], maxHeadBytes: 100).error == .headTooLarge)
        #expect(Self.decode(Array(big.utf8).map { [$0] }, maxHeadBytes: 100).error == .headTooLarge)
        #expect(Self.decode([Array(big.utf8)], maxHeadBytes: 1000).error == nil)
        let longExtension = "5;" + String(repeating: "x", count: ChunkedBodyDecoder.maxSizeLineBytes) + "\r\n"
        let chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        #expect(Self.decode([Array((chunked + longExtension).utf8)]).error == .invalidChunkSize)
        let zeros = String(repeating: "0", count: ChunkedBodyDecoder.maxSizeLineBytes + 1) + "1\r\n"
        #expect(Self.decode([Array((chunked + zeros).utf8)]).error == .invalidChunkSize)
        let trailers = String(repeating: "X-T: aaaaaaaaaaaaaaa\r\n", count: ChunkedBodyDecoder.maxTrailerBytes / 20)
        #expect(Self.decode([Array((chunked + "0\r\n" + trailers + "\r\n").utf8)]).error == .invalidTrailer)
    }

    @Test func bytesWithoutARequestAreRefused() {
        var decoder = ResponseDecoder()
        #expect(decoder.isIdle)
        #expect(throws: ResponseDecodingError.unsolicitedResponse) {
            _ = try Array("HTTP/1.1 200 OK\r\n\r\n".utf8).withUnsafeBufferPointer { try decoder.decode($0) }
        }
        let nothing = try? [UInt8]().withUnsafeBufferPointer { try decoder.decode($0) }
        #expect(nothing?.consumed == 0 && nothing?.event == nil)
    }

    @Test func oneDecoderServesConsecutiveResponses() throws {
        var decoder = ResponseDecoder()
        for (index, text) in [
            "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nb\r\n0\r\n\r\n",
            "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
        ].enumerated() {
            decoder.expectResponse(isHEAD: false)
            var bytes = Array(text.utf8)
            var events: [ResponseDecoder.Event] = []
            while true {
                let (consumed, event) = try bytes.withUnsafeBufferPointer { try decoder.decode($0) }
                bytes.removeFirst(consumed)
                guard let event else { break }
                events.append(event)
                if event == .end { break }
            }
            #expect(bytes.isEmpty && events.last == .end && decoder.isIdle, "response \(index)")
        }
    }
}
