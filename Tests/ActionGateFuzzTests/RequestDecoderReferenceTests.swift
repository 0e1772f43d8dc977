import ActionGateCore
import ActionGateTestSupport
import Foundation
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import actiongate_fuzz

/// `RequestDecoder` judged by NIO's request decoder (llhttp, strict), which the data plane used
/// before: on the request seeds and thousands of mutations of them, every request `RequestDecoder`
/// accepts and completes (framing passed), llhttp reads as the same method, target, version, fields
/// and body. (`RequestDecoder` refuses more: the framing checks llhttp left to the gateway.)
@Suite struct RequestDecoderReferenceTests {
    struct Reference: Equatable {
        var method: String
        var target: String
        var minorVersion: Int
        var fields: [HeaderFields.Field]
        var body: [UInt8]
    }

    /// The requests llhttp read from `bytes` before it stopped (at the end or at an error).
    static func reference(_ bytes: [UInt8]) -> [Reference] {
        let channel = EmbeddedChannel()
        defer { _ = try? channel.finish() }
        do {
            try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(HTTPRequestDecoder()))
        } catch {
            Issue.record("the reference decoder did not start: \(error)")
            return []
        }
        // An error (say, on bytes after the first request) still leaves the parts decoded before it.
        do { try channel.writeInbound(ByteBuffer(bytes: bytes)) } catch {}
        var requests: [Reference] = []
        var current: Reference?
        while let part = try? channel.readInbound(as: HTTPServerRequestPart.self) {
            switch part {
            case .head(let head):
                current = Reference(
                    method: head.method.rawValue, target: head.uri, minorVersion: head.version.minor,
                    // llhttp keeps a value's trailing whitespace, which is not part of it (RFC 9110 §5.5).
                    fields: head.headers.map {
                        HeaderFields.Field(name: $0.name, value: FuzzInput.trimmingOWS($0.value))
                    },
                    body: [])
            case .body(let buffer):
                current?.body += buffer.readableBytesView
            case .end:
                if let current { requests.append(current) }
                current = nil
            }
        }
        return requests
    }

    /// Compares the complete, accepted requests of `bytes`; returns how many there were.
    static func check(_ bytes: [UInt8]) throws -> Int {
        let ours = try RequestStream.decode(bytes, cuts: [], maxHeadBytes: 64 * 1024, maxHeaderCount: 100)
        let accepted = ours.messages.prefix { $0.complete && (try? $0.head.framing.get()) != nil }
        guard !accepted.isEmpty else { return 0 }
        let mine = accepted.map {
            Reference(
                method: $0.head.method, target: $0.head.target, minorVersion: $0.head.minorVersion,
                fields: $0.head.fields.fields, body: $0.body)
        }
        let reference = Self.reference(bytes)
        #expect(
            Array(reference.prefix(mine.count)) == mine,
            "\(String(decoding: bytes, as: UTF8.self).debugDescription)")
        return mine.count
    }

    static let seeds: [[UInt8]] = CorpusReplay.files(
        in: CorpusReplay.defaultPaths(for: .request, root: FuzzCorpusReplayTests.root)
    ).compactMap { FileManager.default.contents(atPath: $0) }.map { Array($0.dropFirst()) }

    static let alphabet = Array(
        "GET POST HTTP/1.0 \r\n:;,-=\"\t/?#\\ Host Content-Length: Transfer-Encoding chunked close 0123456789aAfF"
            .utf8)

    @Test func seedsAgreeWithLLHTTP() throws {
        #expect(Self.seeds.count >= 10)
        var accepted = 0
        for seed in Self.seeds { accepted += try Self.check(seed) }
        #expect(accepted >= 5, "too few seeds decode to a complete request")
    }

    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func mutationsAgreeWithLLHTTP(seed: UInt64) throws {
        var random = ParserFuzzRandom(seed: seed)
        var accepted = 0
        for _ in 0..<2500 {
            let bytes = random.mutate(Self.seeds.randomElement(using: &random)!, alphabet: Self.alphabet)
            accepted += try Self.check(bytes)
        }
        #expect(accepted >= 200, "the mutations hardly ever decode: the test would prove little")
    }
}
