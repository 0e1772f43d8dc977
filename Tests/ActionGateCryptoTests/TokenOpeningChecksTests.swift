import Testing

@testable import ActionGateCrypto

/// The opening checks of docs/token-format.md, each failure on its own and in order.
@Suite struct TokenOpeningChecksTests {
    let keys: TestKeys
    let key: TokenKey
    let now: Int64 = 1_700_000_000
    static let session = TokenContext.session(cookieName: "sid")

    init() throws {
        keys = try TestKeys.make(0x0102_0304)
        key = keys.keys[0]
    }

    /// Seals arbitrary plaintext bytes the way the format says, without `SealedToken.seal`.
    func craft(_ plaintext: String, purpose: TokenPurpose = .session, context: String = "sid") throws -> String {
        var header: [UInt8] = [0x01, purpose.rawValue]
        header += [0x01, 0x02, 0x03, 0x04]
        let subkey = try HKDF.sha256(
            ikm: TestKeys.secret(for: 0x0102_0304), salt: [], info: Array(purpose.hkdfInfo.utf8), outputLength: 32)
        let nonce = try SecureRandom.bytes(12)
        let sealed = try AES256GCM.seal(
            Array(plaintext.utf8), key: subkey, nonce: nonce, aad: header + Array(context.utf8))
        return Base64URL.encode(header + nonce + sealed.ciphertext + sealed.tag)
    }

    static let malformedInputs: [String] = [
        "", "A", "AQ", "AQE", "AQEBAgME",  // too short
        String(repeating: "A", count: 44),  // 33 bytes: one short of header + nonce + tag
        "AQEBAgMEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",  // padding
        "AQEBAgMEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+",  // '+' is base64, not base64url
        "AQEBAgME AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "not a token at all, just garbage text!!!!!!!!!!!!",
        "\u{0}\u{0}\u{0}\u{0}",
        "ÄQEBAgMEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "AgEBAgMEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",  // version 2
        "AAEBAgMEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",  // version 0
        "AQABAgMEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",  // purpose 0
        "AQQBAgMEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",  // purpose 4
        String(repeating: "A", count: 64 * 1024 + 4),  // over 64 KiB, refused before decoding
        String(repeating: "QUFB", count: 1_000_000),  // 4 MB
    ]

    @Test(arguments: malformedInputs)
    func malformedInputIsRefused(input: String) {
        #expect(throws: TokenError.malformed) {
            try SealedToken.open(input, context: Self.session, keys: keys, now: now)
        }
        #expect(throws: TokenError.malformed) {
            try SealedToken.open(Array(input.utf8), context: Self.session, keys: keys, now: now)
        }
    }

    @Test func theMinimalWellFormedTokenReachesTheTagCheck() throws {
        // 34 bytes: header for key 01020304, zero nonce, empty ciphertext, zero tag.
        let token = Base64URL.encode([1, 1, 1, 2, 3, 4] + [UInt8](repeating: 0, count: 28))
        #expect(throws: TokenError.badTag) { try SealedToken.open(token, context: Self.session, keys: keys, now: now) }
    }

    @Test func unknownKeyIsReportedBeforeTheTag() throws {
        let other = try TokenKey(id: 0xdead_beef, secret: TestKeys.secret(for: 9))
        let token = try SealedToken.seal(context: Self.session, data: .null, iat: now, exp: now, key: other)
        #expect(throws: TokenError.unknownKey) {
            try SealedToken.open(token, context: Self.session, keys: keys, now: now)
        }
        // Same id, different secret: the key is known, the tag fails.
        let impostor = try TokenKey(id: key.id, secret: TestKeys.secret(for: 9))
        let forged = try SealedToken.seal(context: Self.session, data: .null, iat: now, exp: now, key: impostor)
        #expect(throws: TokenError.badTag) {
            try SealedToken.open(forged, context: Self.session, keys: keys, now: now)
        }
    }

    /// Each failure is reported by the first check in the documented order.
    @Test func checksRunInTheDocumentedOrder() throws {
        let stranger = try TokenKey(id: 0xdead_beef, secret: TestKeys.secret(for: 9))
        let bound = TokenContext.boundArguments(action: "a", subject: nil)
        let expiredStranger = try SealedToken.seal(context: bound, data: .null, iat: 0, exp: 1, key: stranger)
        // purpose before key: a bound token from an unknown key, opened as a session.
        #expect(throws: TokenError.wrongPurpose) {
            try SealedToken.open(expiredStranger, context: Self.session, keys: keys, now: now)
        }
        // key before time.
        #expect(throws: TokenError.unknownKey) {
            try SealedToken.open(expiredStranger, context: bound, keys: keys, now: now)
        }
        // tag before time: an expired token for another action.
        let expired = try SealedToken.seal(context: bound, data: .null, iat: 0, exp: 1, key: key)
        #expect(throws: TokenError.badTag) {
            try SealedToken.open(expired, context: .boundArguments(action: "b", subject: nil), keys: keys, now: now)
        }
        // payload before time.
        #expect(throws: TokenError.badPayload) {
            try SealedToken.open(try craft(#"{"iat":0,"exp":1}"#), context: Self.session, keys: keys, now: now)
        }
    }

    static let badPayloads: [String] = [
        "", "null", "[]", #""text""#, "{}", "{", "not json", #"{"iat":1,"exp":2}"#,
        #"{"exp":2,"data":1}"#, #"{"iat":1,"data":1}"#,
        #"{"iat":"1","exp":2,"data":1}"#, #"{"iat":1,"exp":2.5,"data":1}"#, #"{"iat":1,"exp":null,"data":1}"#,
        #"{"iat":1,"exp":9007199254740994,"data":1}"#, #"{"iat":1,"exp":1e300,"data":1}"#,
        #"{"iat":1,"exp":2,"data":1,"auth_time":"x"}"#, #"{"iat":1,"exp":2,"data":1,"auth_time":0.5}"#,
        #"{"iat":1,"exp":2,"data":1,"data":2}"#, #"{"iat":1,"exp":2,"data":1} x"#,
        #"{"iat":1,"exp":2,"data":"\ud800"}"#,
    ]

    @Test(arguments: badPayloads)
    func authenticPlaintextOfTheWrongShapeIsBadPayload(plaintext: String) throws {
        let token = try craft(plaintext)
        #expect(throws: TokenError.badPayload) {
            try SealedToken.open(token, context: Self.session, keys: keys, now: 1)
        }
    }

    @Test func acceptsAnyMemberOrderAndIgnoresUnknownMembers() throws {
        let token = try craft(#" {"data":{"k":[1]},"future":true,"exp":20,"iat":1e1,"auth_time":5} "#)
        let opened = try SealedToken.open(token, context: Self.session, keys: keys, now: 10)
        #expect(opened.iat == 10 && opened.exp == 20 && opened.authTime == 5)
        #expect(opened.rawData == Array(#"{"k":[1]}"#.utf8))
    }

    /// (now, iat, exp, skew) → outcome: accepted while now ≤ exp + skew and iat ≤ now + skew.
    static let times: [(Int64, Int64, Int64, Int64, TokenError?)] = [
        (1000, 1000, 1600, 60, nil),
        (1660, 1000, 1600, 60, nil),  // exactly exp + skew
        (1661, 1000, 1600, 60, .expired),
        (1600, 1000, 1600, 0, nil),
        (1601, 1000, 1600, 0, .expired),
        (940, 1000, 1600, 60, nil),  // iat exactly now + skew
        (939, 1000, 1600, 60, .notYetValid),
        (999, 1000, 1600, 0, .notYetValid),
        (Int64.max, 1000, 1600, 60, .expired),
        (Int64.min, 1000, 1600, 60, .notYetValid),
        (1000, 1000, 1600, Int64.max, nil),  // saturating, never traps
        (1000, 2000, 100, 0, .expired),  // both expired and not yet valid: expiry is checked first
    ]

    @Test(arguments: times)
    func timeBoundsAreExact(now: Int64, iat: Int64, exp: Int64, skew: Int64, expected: TokenError?) throws {
        let token = try SealedToken.seal(context: Self.session, data: .null, iat: iat, exp: exp, key: key)
        let outcome = Result { () throws(TokenError) in
            try SealedToken.open(token, context: Self.session, keys: keys, now: now, skew: skew)
        }
        switch (outcome, expected) {
        case (.success, nil): break
        case (.failure(let error), let expected?): #expect(error == expected)
        default: Issue.record("now \(now): got \(outcome), expected \(String(describing: expected))")
        }
    }

    @Test(arguments: [0, 1, 16, 31, 33, 64])
    func keysMustBe32Bytes(size: Int) {
        #expect(throws: CryptoError.invalidKeySize) {
            try TokenKey(id: 1, secret: [UInt8](repeating: 7, count: size))
        }
    }

    @Test func refusesTimestampsJSONCannotCarry() {
        #expect(throws: CryptoError.invalidTimestamp) {
            try SealedToken.seal(context: Self.session, data: .null, iat: 0, exp: Int64.max, key: key)
        }
    }

    @Test func refusesDataThatWouldExceedTheTokenBound() throws {
        let big = JSONValue.string(String(repeating: "x", count: 48 * 1024))
        #expect(throws: CryptoError.inputTooLarge) {
            try SealedToken.seal(context: Self.session, data: big, iat: now, exp: now, key: key)
        }
        let fits = JSONValue.string(String(repeating: "x", count: 40 * 1024))
        let token = try SealedToken.seal(context: Self.session, data: fits, iat: now, exp: now, key: key)
        #expect(try SealedToken.open(token, context: Self.session, keys: keys, now: now).data == fits)
    }

    @Test func errorCodesAreStable() {
        #expect(
            TokenError.allCases.map(\.code) == [
                "malformed", "unknown_key", "bad_tag", "wrong_purpose", "bad_payload", "expired", "not_yet_valid",
                "crypto_failure",
            ])
    }
}
