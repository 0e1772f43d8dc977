import ActionGateCore

/// A request (and its upstream's response head) decoded from a fuzz input, in a text layout that seeds
/// can be written in by hand:
///
/// ```
/// POST /actions/login 203.0.113.9 0 200      method target [peer [clock offset (s) [response status]]]
/// Host: app.example.com                      request header lines, `name: value`
/// @X-ActionGate-Session: {"sub":"alice"}     `@` lines are the upstream response's headers
///                                            an empty line, then the body bytes
/// ```
///
/// The data plane has already framed the request, so `Content-Length` (when present) is made to match
/// the body, as the data plane guarantees.
struct GateInput {
    static let maximumHeaderLines = 64
    /// Clock offsets beyond ±100 years are clamped: the clock is the gateway's own, never the client's.
    static let maximumClockOffset: Int64 = 100 * 365 * 86400

    var head: RequestHead
    var body: [UInt8]
    var now: Int64
    var responseStatus: Int
    var responseHeaders: HeaderFields

    init(_ input: [UInt8]) {
        let (headBytes, bodyBytes) = FuzzInput.split(input, at: [0x0A, 0x0A])
        var lines = FuzzInput.lines(headBytes, limit: Self.maximumHeaderLines + 1).map { line in
            line.utf8.last == 0x0D ? String(decoding: line.utf8.dropLast(), as: UTF8.self) : line
        }
        let requestLine = lines.isEmpty ? [] : lines.removeFirst().split(separator: " ").map(String.init)
        var request: [(String, String)] = []
        var response: [(String, String)] = []
        for line in lines {
            guard let colon = line.utf8.firstIndex(of: 0x3A) else { continue }
            var name = String(decoding: line.utf8[..<colon], as: UTF8.self)
            let value = FuzzInput.trimmingOWS(
                String(decoding: line.utf8[line.utf8.index(after: colon)...], as: UTF8.self))
            if name.utf8.first == 0x40 {
                name = String(decoding: name.utf8.dropFirst(), as: UTF8.self)
                response.append((name, value))
            } else {
                request.append((name, value))
            }
        }
        body = Array(bodyBytes ?? [])
        var headers = HeaderFields(request)
        let declaresLength = headers.contains("Content-Length")
        if declaresLength { headers.replace("Content-Length", String(body.count)) }
        let offset = requestLine.count > 3 ? Int64(requestLine[3]) ?? 0 : 0
        now = FuzzFixture.now + max(-Self.maximumClockOffset, min(Self.maximumClockOffset, offset))
        responseStatus = requestLine.count > 4 ? Int(requestLine[4]).map { max(100, min(599, $0)) } ?? 200 : 200
        responseHeaders = HeaderFields(response)
        head = RequestHead(
            method: requestLine.first ?? "GET", target: requestLine.count > 1 ? requestLine[1] : "/", headers: headers,
            peerAddress: requestLine.count > 2 ? requestLine[2] : "203.0.113.9",
            contentLength: declaresLength ? body.count : nil, hasBody: !body.isEmpty, requestID: "fuzz-req-1")
    }
}

/// Runs the Gate's two phases as the data plane does.
enum GateDriver {
    /// The verdict for `head` and `body`: the head phase, then (if asked) the body phase.
    static func decide(_ gate: Gate, _ head: RequestHead, body: [UInt8], now: Int64) -> Verdict {
        switch gate.evaluateHead(head, now: now) {
        case .forward(let plan): .forward(plan)
        case .reject(let rejection): .reject(rejection)
        case .needBody(let pending): gate.evaluateBody(pending, body: body, now: now)
        }
    }
}
