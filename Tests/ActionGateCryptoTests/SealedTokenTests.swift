import Testing

@testable import ActionGateCrypto

@Suite struct SealedTokenTests {
    let keys: TestKeys
    let now: Int64 = 1_700_000_000

    init() throws {
        keys = try TestKeys.make(0x3f9a_0c12, 0x0000_0001)
    }

    static let contexts: [TokenContext] = [
        .session(cookieName: "__Host-actiongate"),
        .boundArguments(action: "createPost", subject: nil),
        .boundArguments(action: "createPost", subject: "user-42"),
        .boundArguments(action: "", subject: ""),
        .boundArguments(action: "ä/ction", subject: "sübject with spaces"),
    ]

    @Test(arguments: contexts)
    func roundTripsRandomDataInItsContext(context: TokenContext) throws {
        var generator = SystemRandomNumberGenerator()
        let key = try #require(keys.sealingKey)
        for round in 0..<50 {
            let data = JSONSerializerTests.randomValue(depth: 0, using: &generator)
            let authTime: Int64? = round.isMultiple(of: 2) ? now - 3600 : nil
            let token = try SealedToken.seal(
                context: context, data: data, iat: now, exp: now + 600, authTime: authTime, key: key)
            let opened = try SealedToken.open(token, context: context, keys: keys, now: now)
            #expect(opened.data == data)
            #expect(opened.rawData == data.serialized())
            #expect(opened.iat == now && opened.exp == now + 600 && opened.authTime == authTime)
            #expect(opened.keyID == key.id && opened.purpose == context.sealingPurpose)
        }
    }

    @Test func sealsPreSerialisedBytesVerbatim() throws {
        let key = try #require(keys.sealingKey)
        let bytes = Array(#"{ "z" : 1, "a" : [1.50, "x"] }"#.utf8)
        let context = TokenContext.boundArguments(action: "a", subject: nil)
        let token = try SealedToken.seal(context: context, serializedData: bytes, iat: now, exp: now + 1, key: key)
        let opened = try SealedToken.open(Array(token.utf8), context: context, keys: keys, now: now)
        #expect(opened.rawData == bytes)
        #expect(opened.data == .object(["z": .number(1), "a": .array([.number(1.5), .string("x")])]))
        #expect(throws: CryptoError.invalidJSON) {
            try SealedToken.seal(context: context, serializedData: Array("{".utf8), iat: now, exp: now, key: key)
        }
    }

    /// More seals than one refill of the per-thread nonce pool: every nonce is still different.
    @Test func tokensUseFreshNonces() throws {
        let key = try #require(keys.sealingKey)
        let context = TokenContext.session(cookieName: "s")
        let tokens = try (0..<1000).map { _ in
            try SealedToken.seal(context: context, data: .null, iat: now, exp: now, key: key)
        }
        #expect(Set(tokens).count == tokens.count)
        let nonces = try tokens.map { Array(try Base64URL.decode($0)[6..<18]) }
        #expect(Set(nonces).count == nonces.count)
    }

    /// Flipping any single bit anywhere in a token — header, nonce, ciphertext or tag — never opens.
    @Test(arguments: contexts)
    func everySingleBitFlipIsRejected(context: TokenContext) throws {
        let key = try #require(keys.sealingKey)
        let token = try SealedToken.seal(
            context: context, data: .object(["v": .number(1)]), iat: now, exp: now + 60, key: key)
        let raw = try Base64URL.decode(token)
        for bit in 0..<raw.count * 8 {
            var flipped = raw
            flipped[bit / 8] ^= 1 << UInt8(bit % 8)
            let outcome = Result { () throws(TokenError) in
                try SealedToken.open(Base64URL.encode(flipped), context: context, keys: keys, now: now)
            }
            guard case .failure(let error) = outcome else {
                Issue.record("bit \(bit) flipped still opened")
                continue
            }
            // Header bits may turn into another check's failure; everything after it is a tag failure.
            if bit >= 6 * 8 { #expect(error == .badTag, "bit \(bit)") }
        }
        // Changing the last character's spare bits makes a non-canonical string: malformed, never opened.
        var text = Array(token.utf8)
        if raw.count % 3 != 0 {
            text[text.count - 1] = text[text.count - 1] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            #expect(throws: TokenError.self) {
                try SealedToken.open(text, context: context, keys: keys, now: now)
            }
        }
    }

    struct CrossContext: Sendable, CustomTestStringConvertible {
        let sealed: TokenContext
        let opened: TokenContext
        let error: TokenError
        var testDescription: String { "\(sealed) → \(opened)" }
    }

    static let crossContexts: [CrossContext] = [
        .init(sealed: .session(cookieName: "a"), opened: .session(cookieName: "b"), error: .badTag),
        .init(sealed: .session(cookieName: "a"), opened: .session(cookieName: "A"), error: .badTag),
        .init(
            sealed: .boundArguments(action: "A", subject: nil), opened: .boundArguments(action: "B", subject: nil),
            error: .badTag),
        .init(
            sealed: .boundArguments(action: "A", subject: nil), opened: .boundArguments(action: "B", subject: "X"),
            error: .badTag),
        .init(
            sealed: .boundArguments(action: "A", subject: "X"), opened: .boundArguments(action: "A", subject: "Y"),
            error: .badTag),
        .init(
            sealed: .boundArguments(action: "A", subject: "X"), opened: .boundArguments(action: "A", subject: nil),
            error: .badTag),
        .init(
            sealed: .boundArguments(action: "A", subject: "X"), opened: .boundArguments(action: "B", subject: "X"),
            error: .badTag),
        .init(
            sealed: .boundArguments(action: "A", subject: ""), opened: .boundArguments(action: "A", subject: nil),
            error: .badTag),
        // The separator keeps the split unambiguous: ("ab", "c") is not ("a", "bc").
        .init(
            sealed: .boundArguments(action: "ab", subject: "c"), opened: .boundArguments(action: "a", subject: "bc"),
            error: .badTag),
        .init(
            sealed: .session(cookieName: "A"), opened: .boundArguments(action: "A", subject: nil),
            error: .wrongPurpose),
        .init(
            sealed: .boundArguments(action: "A", subject: nil), opened: .session(cookieName: "A"),
            error: .wrongPurpose),
        .init(
            sealed: .boundArguments(action: "A", subject: "X"), opened: .session(cookieName: "A"),
            error: .wrongPurpose),
    ]

    @Test(arguments: crossContexts)
    func aTokenNeverOpensInAnotherContext(testCase: CrossContext) throws {
        let key = try #require(keys.sealingKey)
        let token = try SealedToken.seal(context: testCase.sealed, data: .null, iat: now, exp: now + 60, key: key)
        #expect(throws: testCase.error) {
            try SealedToken.open(token, context: testCase.opened, keys: keys, now: now)
        }
    }

    /// An opener that knows the subject still opens tokens bound to the action only (purpose 0x02).
    @Test func actionOnlyTokensOpenForAnySubject() throws {
        let key = try #require(keys.sealingKey)
        let token = try SealedToken.seal(
            context: .boundArguments(action: "A", subject: nil), data: .bool(true), iat: now, exp: now + 60, key: key)
        let opened = try SealedToken.open(
            token, context: .boundArguments(action: "A", subject: "X"), keys: keys, now: now)
        #expect(opened.purpose == .boundArguments && opened.data == .bool(true))
    }

    @Test func actionIdsContainingNULCannotSeal() throws {
        let key = try #require(keys.sealingKey)
        #expect(throws: CryptoError.invalidContext) {
            try SealedToken.seal(
                context: .boundArguments(action: "a\u{0}b", subject: "c"), data: .null, iat: now, exp: now, key: key)
        }
    }

    /// The fixed part of the plaintext is written on the stack: every timestamp shape must come out as
    /// `{"iat":N,"exp":N[,"auth_time":N],"data":…}` and open to the same numbers.
    @Test(arguments: [
        (Int64(0), Int64(0), Int64?.none), (-1, 9, 10), (-9_007_199_254_740_992, 9_007_199_254_740_992, -1),
        (1_700_000_000, 1_700_000_600, 1_699_990_000), (99, 100, nil), (-100, -99, 0),
    ])
    func timestampsOfEveryShapeSurviveTheRoundTrip(iat: Int64, exp: Int64, authTime: Int64?) throws {
        let key = try #require(keys.sealingKey)
        let context = TokenContext.session(cookieName: "s")
        let token = try SealedToken.seal(
            context: context, data: .null, iat: iat, exp: exp, authTime: authTime, key: key)
        let opened = try SealedToken.open(token, context: context, keys: keys, now: iat, skew: Int64.max)
        #expect(opened.iat == iat && opened.exp == exp && opened.authTime == authTime)
        var plaintext = #"{"iat":\#(iat),"exp":\#(exp)"#
        if let authTime { plaintext += #","auth_time":\#(authTime)"# }
        plaintext += #","data":null}"#
        #expect(try Base64URL.decode(token).count == SealedToken.minimumSize + plaintext.utf8.count)
    }

    /// Seals reuse a per-thread buffer once it holds ciphertext: failed seals, large and small tokens in
    /// any order all still give tokens that open to their own data.
    @Test func sealsInAnyOrderAfterFailuresStillOpen() throws {
        let key = try #require(keys.sealingKey)
        let context = TokenContext.boundArguments(action: "a", subject: nil)
        let sizes = [10, 40_000, 3, 48 * 1024, 5_000, 0, 20_000, 1]
        for size in sizes {
            let data = JSONValue.string(String(repeating: "y", count: size))
            let outcome = Result { () throws(CryptoError) in
                try SealedToken.seal(context: context, data: data, iat: now, exp: now, key: key)
            }
            switch outcome {
            case .success(let token):
                #expect(try SealedToken.open(token, context: context, keys: keys, now: now).data == data)
            case .failure(let error):
                #expect(error == .inputTooLarge && size > 40_000)
            }
        }
    }
}
