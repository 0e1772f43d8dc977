import ActionGateCrypto

/// Sealed tokens end to end: `Base64URL`, `SealedToken.open`, and the JSON parser and serialiser.
///
/// The input is tried as token text under three contexts, as base64url, as JSON, and — sealed by the
/// harness itself with the fixture key — as a token plaintext, which is the only way fuzzed bytes reach
/// the payload checks behind the GCM tag. Properties: strict base64url is canonical; an opened token
/// satisfies the time rules and its `rawData` is its `data`; any bit flip is refused; JSON serialisation
/// round-trips byte for byte and validation agrees with parsing; the payload checks give exactly the
/// error `TokenPlaintextReference` expects.
enum TokenFuzzer {
    static let contexts: [TokenContext] = [
        .session(cookieName: FuzzFixture.cookieName),
        .boundArguments(action: "deleteNote", subject: nil),
        .boundArguments(action: "deleteNote", subject: "alice"),
    ]

    static func run(_ input: [UInt8]) throws(PropertyViolation) {
        let keys = try FuzzFixture.keys.get()
        try checkBase64(input)
        for context in contexts { try checkOpen(input, context: context, keys: keys) }
        try checkJSON(input)
        try TokenPlaintextReference.check(input, keys: keys)
    }

    /// Strict base64url: whatever decodes re-encodes to the same text; any bytes round-trip.
    static func checkBase64(_ input: [UInt8]) throws(PropertyViolation) {
        if let decoded = try? Base64URL.decode(input) {
            try PropertyViolation.check(
                Array(Base64URL.encode(decoded).utf8) == input, "base64url decoding accepted a non-canonical text")
            try PropertyViolation.check(
                Base64URL.decodedCount(input.count) == decoded.count, "decodedCount disagrees with decode")
        }
        let encoded = Base64URL.encode(input)
        try PropertyViolation.check(Base64URL.encodedCount(input.count) == encoded.utf8.count, "encodedCount is wrong")
        try PropertyViolation.check((try? Base64URL.decode(encoded)) == input, "base64url does not round-trip")
    }

    static func checkOpen(_ input: [UInt8], context: TokenContext, keys: FuzzKeys) throws(PropertyViolation) {
        let opened: OpenedToken
        do {
            opened = try SealedToken.open(input, context: context, keys: keys, now: FuzzFixture.now)
        } catch {
            try PropertyViolation.check(error != .cryptoFailure, "OpenSSL failed while opening a token")
            return
        }
        try checkOpened(opened, context: context)
        // Any single bit flip (header, nonce, ciphertext or tag) must be refused.
        guard let raw = try? Base64URL.decode(input) else {
            throw PropertyViolation(message: "a token opened whose text is not strict base64url")
        }
        for position in Set([0, 1, 5, 6, raw.count / 2, raw.count - 17, raw.count - 1])
        where raw.indices.contains(position) {
            for bit in [0, 7] {
                var flipped = raw
                flipped[position] ^= 1 << bit
                let text = Base64URL.encode(flipped)
                try PropertyViolation.check(
                    (try? SealedToken.open(text, context: context, keys: keys, now: FuzzFixture.now)) == nil,
                    "a token with a flipped bit still opens")
            }
        }
    }

    static func checkOpened(_ opened: OpenedToken, context: TokenContext) throws(PropertyViolation) {
        let now = FuzzFixture.now
        try PropertyViolation.check(now <= opened.exp + 60 && opened.iat <= now + 60, "a token opened outside its time")
        try PropertyViolation.check(
            (try? JSONValue(parsing: opened.rawData)) == opened.data, "rawData does not parse to data")
        switch context {
        case .session: try PropertyViolation.check(opened.purpose == .session, "a session opened another purpose")
        case .boundArguments(_, let subject):
            try PropertyViolation.check(
                opened.purpose == .boundArguments || (subject != nil && opened.purpose == .subjectBoundArguments),
                "bound arguments opened with a purpose their context does not accept")
        }
    }

    /// JSON: strict parse, then serialise → parse → serialise gives the same value and the same bytes;
    /// validating without building gives the parser's verdict, error for error.
    static func checkJSON(_ input: [UInt8]) throws(PropertyViolation) {
        let parsed = Result { () throws(JSONError) in try JSONValue(parsing: input) }
        let validated = Result { () throws(JSONError) in try JSONValue.validate(input) }
        switch (parsed, validated) {
        case (.success, .success): break
        case (.failure(let parseError), .failure(let validateError)):
            try PropertyViolation.check(parseError == validateError, "validate and parse refuse differently")
        default: throw PropertyViolation(message: "validate and parse disagree on acceptance")
        }
        let value: JSONValue
        do { value = try parsed.get() } catch {
            try PropertyViolation.check(
                (try? JSONValue.parse(input, capturingMember: "data")) == nil,
                "capturing parse accepts what parse refuses")
            return
        }
        let bytes: [UInt8] = value.serialized()
        guard let again = try? JSONValue(parsing: bytes) else {
            throw PropertyViolation(message: "serialised JSON does not parse")
        }
        try PropertyViolation.check(again == value, "serialised JSON parses to another value")
        try PropertyViolation.check(again.serialized() == bytes, "JSON serialisation is not deterministic")
        try PropertyViolation.check(depth(value) <= JSONValue.maximumDepth, "parsed JSON deeper than the limit")
        guard let captured = try? JSONValue.parse(input, capturingMember: "data") else {
            throw PropertyViolation(message: "capturing parse refuses what parse accepts")
        }
        try PropertyViolation.check(captured.value == value, "capturing parse gives another value")
        if case .object(let members) = value, let data = members["data"] {
            guard let range = captured.memberRange, range.lowerBound >= 0, range.upperBound <= input.count else {
                throw PropertyViolation(message: "no captured range for a present member")
            }
            try PropertyViolation.check(
                (try? JSONValue(parsing: input[range])) == data, "captured bytes are not the member's value")
        } else {
            try PropertyViolation.check(captured.memberRange == nil, "a captured range for an absent member")
        }
    }

    /// Nesting depth, the top-level container counting 1 (scalars 0). Recursion is bounded by the parser's limit.
    static func depth(_ value: JSONValue) -> Int {
        switch value {
        case .array(let elements): 1 + (elements.map(depth).max() ?? 0)
        case .object(let members): 1 + (members.values.map(depth).max() ?? 0)
        default: 0
        }
    }
}
