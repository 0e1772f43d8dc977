import ActionGateCore

/// `Cookie` header parsing (`CookieHeader`), upstream `Set-Cookie` names and the session cookie builder.
///
/// The input's first lines are `Cookie` header values. Properties: pairs are well-formed and bounded;
/// `lookup` agrees with the pair list; `serialized(removing:)` re-parses to exactly the other pairs
/// (what the upstream receives is what the gateway understood); a built `Set-Cookie` can never carry
/// a byte that splits a header, and reads back under its own name.
enum CookieFuzzer {
    static let maximumLines = 8

    static func run(_ input: [UInt8]) throws(PropertyViolation) {
        let lines = FuzzInput.lines(input, limit: maximumLines)
        for maxPairs in [CookieHeader.defaultMaxPairs, 3] {
            let header = CookieHeader(lines, maxPairs: maxPairs)
            try PropertyViolation.check(header.pairs.count <= maxPairs, "more pairs than maxPairs")
            for pair in header.pairs { try checkPair(pair) }
            try checkLookups(header)
            var names = [FuzzFixture.cookieName]
            if let first = header.pairs.first { names.append(first.name) }
            for name in names { try checkSerialized(header, removing: name) }
        }
        for line in lines { try checkSetCookieName(line) }
        try checkBuilder(name: lines.first ?? "", value: lines.dropFirst().first ?? "")
        try checkSessionCodec(lines)
    }

    static func checkPair(_ pair: CookieHeader.Pair) throws(PropertyViolation) {
        let name = Array(pair.name.utf8)
        let value = Array(pair.value.utf8)
        try PropertyViolation.check(!name.isEmpty, "a pair with an empty name")
        try PropertyViolation.check(!name.contains(0x3D), "a name containing '='")
        for part in [name, value] {
            try PropertyViolation.check(!part.contains(0x3B), "a pair containing ';'")
            try PropertyViolation.check(!part.contains(where: isControl), "a pair containing a control byte")
            try PropertyViolation.check(
                part.first.map(FuzzInput.isOWS) != true && part.last.map(FuzzInput.isOWS) != true, "untrimmed pair")
        }
    }

    static func checkLookups(_ header: CookieHeader) throws(PropertyViolation) {
        for pair in header.pairs.prefix(8) {
            let matching = header.pairs.filter { Array($0.name.utf8) == Array(pair.name.utf8) }
            switch header.lookup(pair.name) {
            case .absent:
                throw PropertyViolation(message: "lookup misses a parsed pair")
            case .found(let value):
                try PropertyViolation.check(
                    matching.count == 1 && Array(value.utf8) == Array(pair.value.utf8), "lookup found the wrong value")
            case .duplicated:
                try PropertyViolation.check(matching.count > 1, "lookup reports a duplicate that is not there")
            }
        }
    }

    /// What is forwarded upstream re-parses to exactly the pairs the gateway kept.
    static func checkSerialized(_ header: CookieHeader, removing name: String) throws(PropertyViolation) {
        let kept = header.pairs.filter { Array($0.name.utf8) != Array(name.utf8) }
        guard let text = header.serialized(removing: name) else {
            try PropertyViolation.check(kept.isEmpty, "serialized(removing:) dropped every pair but some remain")
            return
        }
        try PropertyViolation.check(!text.utf8.contains(where: isControl), "forwarded Cookie has a control byte")
        let again = CookieHeader([text], maxPairs: Int.max)
        try PropertyViolation.check(
            again.pairs.map(bytes) == kept.map(bytes), "forwarded Cookie re-parses to different pairs")
        try PropertyViolation.check(again.lookup(name) == .absent, "the removed cookie survives serialisation")
    }

    /// `SetCookie.cookieName` reads what a browser reads: text before the first `=` of the first `;` part.
    static func checkSetCookieName(_ line: String) throws(PropertyViolation) {
        let name = SetCookie.cookieName(of: line)
        let bytes = Array(name.utf8)
        try PropertyViolation.check(!bytes.contains(0x3B) && !bytes.contains(0x3D), "a cookie name with ';' or '='")
        let firstPart = Array(line.utf8.prefix { $0 != 0x3B })
        if !name.isEmpty, !firstPart.contains(where: isControl) {
            let parsed = CookieHeader([String(decoding: firstPart, as: UTF8.self)]).pairs.first.map(\.name)
            try PropertyViolation.check(parsed == name, "Set-Cookie name and Cookie parsing disagree")
        }
    }

    /// A session `Set-Cookie` built from fuzzed parts never carries a header-splitting byte and reads back.
    static func checkBuilder(name: String, value: String) throws(PropertyViolation) {
        for secure in [true, false] {
            if let cookie = try? SetCookie.session(name: name, value: value, maxAge: 3600, secure: secure) {
                try PropertyViolation.check(
                    !cookie.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }), "Set-Cookie with a control byte")
                try PropertyViolation.check(SetCookie.cookieName(of: cookie) == name, "Set-Cookie reads another name")
                let pair = String(decoding: cookie.utf8.prefix { $0 != 0x3B }, as: UTF8.self)
                try PropertyViolation.check(
                    CookieHeader([pair]).lookup(name) == .found(value), "Set-Cookie value does not read back")
            }
            if let cookie = try? SetCookie.expiring(name: name, secure: secure) {
                try PropertyViolation.check(
                    !cookie.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }), "expiring cookie with a control byte")
            }
        }
    }

    /// The session check over the same header lines: a duplicated cookie never authenticates.
    static func checkSessionCodec(_ lines: [String]) throws(PropertyViolation) {
        let keys = try FuzzFixture.keys.get()
        let codec = SessionCodec(
            cookieName: FuzzFixture.cookieName, ttl: 8 * 3600, refreshAfter: 3600, maxAge: 7 * 86400, secure: true,
            skew: 60)
        let check = codec.check(cookieHeaders: lines, keys: keys, now: FuzzFixture.now)
        if CookieHeader(lines).lookup(FuzzFixture.cookieName) == .duplicated {
            try PropertyViolation.check(check.session == nil, "a duplicated session cookie authenticated")
        }
        if let session = check.session {
            try PropertyViolation.check(SessionCodec.isValidSubject(session.subject), "a session with an invalid sub")
        }
    }

    static func bytes(_ pair: CookieHeader.Pair) -> [UInt8] {
        Array(pair.name.utf8) + [0x3D] + Array(pair.value.utf8)
    }

    static func isControl(_ byte: UInt8) -> Bool { (byte < 0x20 && byte != 0x09) || byte == 0x7F }
}
