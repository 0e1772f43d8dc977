import ActionGateCore
import ActionGateTestSupport
import Foundation
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import actiongate_fuzz

/// `ResponseDecoder` judged by NIO's response decoder (llhttp, strict), which the data plane used
/// before: on the response seeds and thousands of mutations of them, whatever `ResponseDecoder`
/// accepts, llhttp must accept as the same status, fields and body. (`ResponseDecoder` may refuse
/// more: it is stricter about status codes and `Transfer-Encoding`.)
@Suite struct ResponseDecoderReferenceTests {
    /// What llhttp made of the first response in `bytes`, or nil if it refused them.
    struct Reference: Equatable {
        var status: Int
        var fields: [HeaderFields.Field]
        var body: [UInt8]
        var complete: Bool
    }

    static func reference(_ bytes: [UInt8], isHEAD: Bool, closed: Bool) -> Reference? {
        let channel = EmbeddedChannel()
        defer { _ = try? channel.finish() }
        do {
            try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(HTTPResponseDecoder()))
            try channel.writeOutbound(
                HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: isHEAD ? .HEAD : .GET, uri: "/")))
        } catch {
            Issue.record("the reference decoder did not start: \(error)")
            return nil
        }
        // An error (say, on bytes after the first response) still leaves the parts decoded before it.
        do {
            try channel.writeInbound(ByteBuffer(bytes: bytes))
            if closed {
                channel.pipeline.fireChannelInactive()
                try channel.throwIfErrorCaught()
            }
        } catch {}
        var result: Reference?
        while let part = try? channel.readInbound(as: HTTPClientResponsePart.self) {
            switch part {
            case .head(let head) where result == nil:
                result = Reference(
                    status: Int(head.status.code),
                    // llhttp keeps a value's trailing whitespace, which is not part of it (RFC 9110 §5.5).
                    fields: head.headers.map {
                        HeaderFields.Field(name: $0.name, value: FuzzInput.trimmingOWS($0.value))
                    },
                    body: [], complete: false)
            case .body(let buffer):
                if result?.complete == false { result?.body += buffer.readableBytesView }
            case .end:
                result?.complete = true
            case .head:
                break
            }
            if result?.complete == true { break }
        }
        return result
    }

    static func check(_ bytes: [UInt8], isHEAD: Bool, closed: Bool) throws -> Bool {
        let ours = try ResponseStream.decode(bytes, isHEAD: isHEAD, closed: closed, cuts: [], maxResponses: 1)
        guard let first = ours.messages.first, first.complete, first.head.status != 101 else { return false }
        let reference = Self.reference(bytes, isHEAD: isHEAD, closed: closed)
        // A value that is not UTF-8 is kept as its bytes here (`isLatin1`); NIO's reference repairs it
        // (U+FFFD): compare what those bytes read as through the reference's eyes.
        let fields = first.head.fields.fields.map { field in
            guard field.isLatin1 else { return field }
            let bytes = field.value.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }
            return HeaderFields.Field(name: field.name, value: String(decoding: bytes, as: UTF8.self))
        }
        let mine = Reference(status: first.head.status, fields: fields, body: first.body, complete: true)
        #expect(reference == mine, "\(String(decoding: bytes, as: UTF8.self).debugDescription) HEAD: \(isHEAD)")
        return true
    }

    static let seeds: [[UInt8]] = CorpusReplay.files(
        in: CorpusReplay.defaultPaths(for: .response, root: FuzzCorpusReplayTests.root)
    ).compactMap { FileManager.default.contents(atPath: $0) }.map { Array($0.dropFirst(2)) }

    static let alphabet = Array(
        "HTTP/1.0 200OK\r\n:;,-=\"\t Content-Length: Transfer-Encoding chunked close 0123456789aAfF".utf8)

    @Test func seedsAgreeWithLLHTTP() throws {
        #expect(Self.seeds.count >= 10)
        var accepted = 0
        for seed in Self.seeds {
            for isHEAD in [false, true] {
                for closed in [false, true] where try Self.check(seed, isHEAD: isHEAD, closed: closed) { accepted += 1 }
            }
        }
        #expect(accepted >= 10, "too few seeds decode to a complete response")
    }

    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func mutationsAgreeWithLLHTTP(seed: UInt64) throws {
        var random = ParserFuzzRandom(seed: seed)
        var accepted = 0
        for _ in 0..<2500 {
            let bytes = random.mutate(Self.seeds.randomElement(using: &random)!, alphabet: Self.alphabet)
            if try Self.check(bytes, isHEAD: Bool.random(using: &random), closed: Bool.random(using: &random)) {
                accepted += 1
            }
        }
        #expect(accepted >= 200, "the mutations hardly ever decode: the test would prove little")
    }
}
