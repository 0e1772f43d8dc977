import Testing

@testable import ActionGateCrypto

/// `OpenedToken.data` is parsed from `rawData` on demand for opened tokens; it must behave as the
/// eagerly given value did (same value, same equality and hashing).
@Suite struct OpenedTokenTests {
    let keys: TestKeys
    let now: Int64 = 1_700_000_000

    init() throws {
        keys = try TestKeys.make(0x0a0b_0c0d)
    }

    @Test func openedDataEqualsTheSealedValueAndAGivenToken() throws {
        let key = try #require(keys.sealingKey)
        let context = TokenContext.session(cookieName: "sid")
        let data = JSONValue.object(["sub": .string("user-1"), "roles": .array([.string("a"), .number(2)])])
        let token = try SealedToken.seal(context: context, data: data, iat: now, exp: now + 60, key: key)
        let opened = try SealedToken.open(token, context: context, keys: keys, now: now)
        #expect(opened.data == data)
        #expect(opened.data == data)  // parsed again, same value
        let given = OpenedToken(
            keyID: opened.keyID, purpose: opened.purpose, iat: opened.iat, exp: opened.exp,
            authTime: opened.authTime, data: data, rawData: opened.rawData)
        #expect(given == opened)
        #expect(given.hashValue == opened.hashValue)
        #expect(Set([given, opened]).count == 1)
        let other = OpenedToken(
            keyID: opened.keyID, purpose: opened.purpose, iat: opened.iat, exp: opened.exp,
            authTime: opened.authTime, data: .null, rawData: opened.rawData)
        #expect(other != opened)
    }

    @Test func openingAcceptsSubstringsAndByteCollections() throws {
        let key = try #require(keys.sealingKey)
        let context = TokenContext.boundArguments(action: "a", subject: nil)
        let token = try SealedToken.seal(context: context, data: .bool(true), iat: now, exp: now, key: key)
        let padded = " " + token + " "
        let substring = padded.dropFirst().dropLast()
        #expect(try SealedToken.open(substring, context: context, keys: keys, now: now).data == .bool(true))
        #expect(try SealedToken.open(token.utf8, context: context, keys: keys, now: now).data == .bool(true))
        #expect(
            try SealedToken.open(Array(token.utf8), context: context, keys: keys, now: now).rawData
                == Array("true".utf8))
    }
}
