import ActionGateCore

/// Upstream responses through `ResponseDecoder` (the in-place HTTP/1.1 response decoder).
///
/// Input: one flags byte (bit 0: the request was HEAD; bit 1: the upstream closes after the bytes),
/// one byte choosing where to cut the stream, then the bytes the upstream sends. Properties: the
/// decoder keeps its contract (ranges inside the input, bodies only inside a response); decoding
/// whole, cut in two, and one byte at a time give the same responses; what it accepts is well formed
/// (status 100–599, token names, values without CR, LF, NUL or outer whitespace); a response it
/// completes has exactly the body its framing announced.
enum ResponseFuzzer {
    static func run(_ input: [UInt8]) throws(PropertyViolation) {
        guard input.count >= 2 else { return }
        let isHEAD = input[0] & 1 != 0
        let closed = input[0] & 2 != 0
        let bytes = Array(input.dropFirst(2))
        let cut = Int(input[1]) * bytes.count / 256
        let whole = try ResponseStream.decode(bytes, isHEAD: isHEAD, closed: closed, cuts: [])
        let halves = try ResponseStream.decode(bytes, isHEAD: isHEAD, closed: closed, cuts: [cut])
        try PropertyViolation.check(whole.sameOutcome(as: halves), "cutting the input at \(cut) changed the result")
        if bytes.count <= 600 {
            let single = try ResponseStream.decode(bytes, isHEAD: isHEAD, closed: closed, cuts: Array(0..<bytes.count))
            try PropertyViolation.check(whole.sameOutcome(as: single), "decoding byte by byte changed the result")
        }
        for response in whole.messages { try check(response, isHEAD: isHEAD) }
    }

    static func check(_ response: ResponseStream.Message, isHEAD: Bool) throws(PropertyViolation) {
        let head = response.head
        try PropertyViolation.check((100...599).contains(head.status), "status \(head.status)")
        try PropertyViolation.check(head.status >= 200 || head.status == 101, "an interim response was returned")
        for field in head.fields {
            let name = Array(field.name.utf8)
            let value = Array(field.value.utf8)
            try PropertyViolation.check(
                !name.isEmpty && name.allSatisfy(FuzzInput.isTokenByte), "a field name that is not a token")
            try PropertyViolation.check(
                !value.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }, "CR, LF or NUL in a value")
            try PropertyViolation.check(
                value.first.map(FuzzInput.isOWS) != true && value.last.map(FuzzInput.isOWS) != true, "untrimmed value")
        }
        switch head.body {
        case .none:
            try PropertyViolation.check(response.body.isEmpty, "a body on a bodiless response")
        case .contentLength(let length):
            try PropertyViolation.check(response.body.count <= length, "more body than Content-Length")
            try PropertyViolation.check(
                !response.complete || response.body.count == length, "ended short of Content-Length")
        case .chunked, .untilClose:
            break
        }
        let bodiless = isHEAD || head.status < 200 || head.status == 204 || head.status == 304
        try PropertyViolation.check(bodiless == (head.body == .none), "framing ignores the method or status")
        if head.body == .untilClose {
            try PropertyViolation.check(!head.keepAlive, "keep-alive on a close-delimited body")
        }
    }
}
