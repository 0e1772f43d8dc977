import ActionGateCore

/// The gateway's two HTTP/1.1 decoders on the heads of bench/run.sh's traffic: the request head wrk
/// sends for variant (d) (a session cookie, an `Action-Bound` token, browser-like fields) with its
/// 1 KiB body, and the response head the benchmark's upstream (nginx `return 200 "ok"`) answers.
/// A decoder change shows here without the noise of a shared machine's end-to-end runs.
enum HTTPBenchmark {
    static func run(_ arguments: [String]) throws {
        let cookie = "theme=dark; ag-bench=" + String(repeating: "A", count: 180)
        let bound = String(repeating: "B", count: 128)
        let body = "{\"note\":\"" + String(repeating: "x", count: 1013) + "\"}"
        let request = Array(
            ("POST /actions/updateNote HTTP/1.1\r\nHost: app.bench\r\nOrigin: http://app.bench\r\n"
                + "Content-Type: application/json\r\nAccept: */*\r\nUser-Agent: actiongate-bench/1 (wrk)\r\n"
                + "Cookie: \(cookie)\r\nAction-Bound: \(bound)\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
                .utf8)
        let response = Array(
            ("HTTP/1.1 200 OK\r\nServer: nginx\r\nDate: Sun, 22 Nov 2026 13:00:00 GMT\r\n"
                + "Content-Type: text/plain\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok").utf8)

        func decodeRequest() throws -> UInt64 {
            var decoder = RequestDecoder(maxHeadBytes: 16 * 1024, maxHeaderCount: 100)
            return try decodeAll(request, with: &decoder) { $0.fields.count }
        }
        func decodeResponse() throws -> UInt64 {
            var decoder = ResponseDecoder()
            decoder.expectResponse(isHEAD: false)
            return try decodeAll(response, with: &decoder) { $0.fields.count }
        }
        guard try decodeRequest() == 8, try decodeResponse() == 5 else {
            throw BenchmarkFailure("the heads decoded to an unexpected number of fields")
        }
        let timer = BenchmarkTimer()
        print("HTTP/1.1 decoders, per message (bench/run.sh's heads):")
        print("  request: 8 fields, 1 KiB body     \(Int(try timer.nanosecondsPerOperation(decodeRequest))) ns")
        print("  response: nginx 200, 5 fields     \(Int(try timer.nanosecondsPerOperation(decodeResponse))) ns")
    }

    /// Decodes one whole message from `bytes`; returns its head's field count.
    static func decodeAll<Decoder: MessageDecoder>(
        _ bytes: [UInt8], with decoder: inout Decoder, fieldCount: (Decoder.Head) -> Int
    ) throws -> UInt64 {
        var fields: UInt64 = 0
        try bytes.withUnsafeBufferPointer { bytes in
            var offset = 0
            while offset < bytes.count {
                let (consumed, event) = try decoder.decode(UnsafeBufferPointer(rebasing: bytes[offset...]))
                offset += consumed
                if case .head(let head) = event { fields &+= UInt64(fieldCount(head)) }
                if case .end = event { break }
                if event == nil && consumed == 0 { throw BenchmarkFailure("the message did not decode") }
            }
        }
        return fields
    }
}
