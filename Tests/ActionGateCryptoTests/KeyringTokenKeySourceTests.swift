import Testing

@testable import ActionGateCrypto

/// The keyring as the token code uses it: the active key seals, every key opens, retired keys don't.
@Suite struct KeyringTokenKeySourceTests {
    let context = TokenContext.boundArguments(action: "deletePost", subject: nil)
    let now: Int64 = 1_795_000_000

    @Test func theActiveKeySealsAndEveryStateOpens() throws {
        let keyring = try keyringFixture()
        #expect(keyring.sealingKey?.id == 0xa1)
        for entry in keyring.entries {
            let key = try #require(keyring.openingKey(id: entry.id))
            #expect(key.id == entry.id)
            // The derived key opens what a key built from the same secret seals.
            let twin = try TokenKey(id: entry.id, secret: entry.secret)
            let token = try SealedToken.seal(context: context, data: .bool(true), iat: now, exp: now + 60, key: twin)
            #expect(try SealedToken.open(token, context: context, keys: keyring, now: now).data == .bool(true))
        }
        #expect(keyring.openingKey(id: 0x1234) == nil)
    }

    @Test func keysAreBuiltOncePerKeyringValue() throws {
        let keyring = try keyringFixture()
        #expect(keyring.openingKey(id: 0xd1) === keyring.openingKey(id: 0xd1))
        #expect(keyring.sealingKey === keyring.openingKey(id: 0xa1))
    }

    @Test func aTokenOutlivesRotationButNotRetirement() throws {
        let before = try keyringFixture()
        let sealingKey = try #require(before.sealingKey)
        let token = try SealedToken.seal(
            context: context, data: .string("x"), iat: now, exp: now + 600, key: sealingKey)

        let rotated = try before.rotating(now: keyringNow, randomBytes: keyringRandom)
        #expect(rotated.sealingKey?.id != sealingKey.id)
        #expect(try SealedToken.open(token, context: context, keys: rotated, now: now).keyID == sealingKey.id)

        let retired = try rotated.retiring(id: sealingKey.id, now: keyringNow, minimumAge: .seconds(3600), force: true)
        #expect(throws: TokenError.unknownKey) {
            try SealedToken.open(token, context: context, keys: retired, now: now)
        }
    }
}
