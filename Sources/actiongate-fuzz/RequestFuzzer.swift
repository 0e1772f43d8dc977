import ActionGateCore

/// Client requests through `RequestDecoder` (the in-place HTTP/1.1 request decoder the data plane
/// reads every client byte with).
///
/// Input: one byte choosing where to cut the stream, then the bytes a client sends. Properties: the
/// decoder keeps its contract; decoding whole, cut in two, and one byte at a time give the same
/// requests; what it accepts is well formed — a known method, a target of visible ASCII, token
/// names, values without CR, LF, NUL or outer whitespace, at most the field limit — and a request
/// whose framing passed has exactly one of: no body, a `Content-Length` (then exactly that many
/// body bytes once complete), or `Transfer-Encoding: chunked` alone, on HTTP/1.1, with one `Host`.
enum RequestFuzzer {
    static let maxHeaderCount = 16

    static func run(_ input: [UInt8]) throws(PropertyViolation) {
        guard let first = input.first else { return }
        let bytes = Array(input.dropFirst())
        let cut = Int(first) * bytes.count / 256
        let whole = try RequestStream.decode(bytes, cuts: [], maxHeaderCount: maxHeaderCount)
        let halves = try RequestStream.decode(bytes, cuts: [cut], maxHeaderCount: maxHeaderCount)
        try PropertyViolation.check(whole.sameOutcome(as: halves), "cutting the input at \(cut) changed the result")
        if bytes.count <= 600 {
            let single = try RequestStream.decode(bytes, cuts: Array(0..<bytes.count), maxHeaderCount: maxHeaderCount)
            try PropertyViolation.check(whole.sameOutcome(as: single), "decoding byte by byte changed the result")
        }
        for request in whole.messages { try check(request) }
    }

    static func check(_ request: RequestStream.Message) throws(PropertyViolation) {
        let head = request.head
        try PropertyViolation.check(RequestHeadParserMethods.contains(head.method), "method \(head.method)")
        try PropertyViolation.check(
            !head.target.isEmpty && head.target.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }, "a target byte")
        try PropertyViolation.check(head.fields.count <= maxHeaderCount, "more fields than the limit")
        for field in head.fields {
            let name = Array(field.name.utf8)
            let value = Array(field.value.utf8)
            try PropertyViolation.check(!name.isEmpty && name.allSatisfy(FuzzInput.isTokenByte), "a name not a token")
            try PropertyViolation.check(
                !value.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }, "CR, LF or NUL in a value")
            try PropertyViolation.check(
                value.first.map(FuzzInput.isOWS) != true && value.last.map(FuzzInput.isOWS) != true, "untrimmed value")
        }
        guard case .success(let framing) = head.framing else {
            try PropertyViolation.check(request.body.isEmpty && !request.complete, "a refused head was read on")
            return
        }
        try PropertyViolation.check(head.target.utf8.first == 0x2F && !head.target.contains("#"), "not origin-form")
        let names = head.fields.map { $0.name.lowercased() }
        let lengths = head.fields.filter { $0.name.lowercased() == "content-length" }.map(\.value)
        let codings = names.filter { $0 == "transfer-encoding" }.count
        try PropertyViolation.check(head.minorVersion == 0 || names.filter { $0 == "host" }.count == 1, "Host")
        switch framing.body {
        case .none:
            try PropertyViolation.check(request.body.isEmpty, "a body on a bodiless request")
            try PropertyViolation.check(codings == 0 && lengths.allSatisfy { Int($0) == 0 }, "framing fields ignored")
        case .contentLength(let length):
            try PropertyViolation.check(
                codings == 0 && lengths.count == 1 && lengths[0].utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
                    && Int(lengths[0]) == length,
                "Content-Length misread")
            try PropertyViolation.check(
                request.complete ? request.body.count == length : request.body.count < length, "body length")
        case .chunked:
            try PropertyViolation.check(
                codings == 1 && lengths.isEmpty && head.minorVersion == 1, "chunked with other framing")
        }
    }
}

/// The method list as the fuzz target's own copy, so the property does not take it from the parser.
enum RequestHeadParserMethods {
    static let all: Set<String> = [
        "DELETE", "GET", "HEAD", "POST", "PUT", "CONNECT", "OPTIONS", "TRACE", "COPY", "LOCK", "MKCOL", "MOVE",
        "PROPFIND", "PROPPATCH", "SEARCH", "UNLOCK", "BIND", "REBIND", "UNBIND", "ACL", "REPORT", "MKACTIVITY",
        "CHECKOUT", "MERGE", "M-SEARCH", "NOTIFY", "SUBSCRIBE", "UNSUBSCRIBE", "PATCH", "PURGE", "MKCALENDAR",
        "LINK", "UNLINK", "SOURCE", "QUERY",
    ]

    static func contains(_ method: String) -> Bool { all.contains(method) }
}
