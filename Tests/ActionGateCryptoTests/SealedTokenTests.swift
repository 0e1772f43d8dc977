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
    ]

    @Test(arguments: contexts)
    func roundTripsInItsContext(context: TokenContext) throws {
        let data: JSONValue = .object(["sub": .string("alice"), "n": .number(3), "tags": .array([.bool(true)])])
        let key = try #require(keys.sealingKey)
        let token = try SealedToken.seal(context: context, data: data, iat: now, exp: now + 600, key: key)
        let opened = try SealedToken.open(token, context: context, keys: keys, now: now)
        #expect(opened.data == data)
        #expect(opened.rawData == data.serialized())
        #expect(opened.iat == now && opened.exp == now + 600 && opened.authTime == nil)
        #expect(opened.keyID == key.id)
        #expect(opened.purpose == context.sealingPurpose)
    }

    @Test func sealingCountsOnTheKey() throws {
        let key = try TokenKey(id: 7, secret: TestKeys.secret(for: 7))
        #expect(key.sealCount == 0)
        for _ in 0..<3 {
            _ = try SealedToken.seal(context: .session(cookieName: "c"), data: .null, iat: 0, exp: 1, key: key)
        }
        #expect(key.sealCount == 3)
        #expect(key.idHex == "00000007")
    }
}
