import Foundation
import Testing

@testable import ActionGateCrypto

/// Seals are counted per key and process, not per `TokenKey` object: a reload rebuilds the keys and
/// must not reset the 2^32 limit (or the 2^30 warning).
@Suite struct SealCounterTests {
    static func randomSecret() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<TokenKey.secretSize).map { _ in generator.next() }
    }

    @Test func keysRebuiltFromTheSameSecretShareOneCount() throws {
        let secret = Self.randomSecret()
        let first = try TokenKey(id: 0x5ea1_0001, secret: secret)
        for _ in 0..<3 { try first.recordSeal() }
        let rebuilt = try TokenKey(id: 0x5ea1_0001, secret: secret)
        #expect(rebuilt.sealCount == 3)
        try rebuilt.recordSeal()
        #expect(first.sealCount == 4)
        // The same id with another secret is another key; another id with the same secret too.
        #expect(try TokenKey(id: 0x5ea1_0001, secret: Self.randomSecret()).sealCount == 0)
        #expect(try TokenKey(id: 0x5ea1_0002, secret: secret).sealCount == 0)
    }

    @Test func theLimitHoldsAcrossAKeyringReload() throws {
        let now = Date()
        let keyring = try Keyring.initial(now: now, randomBytes: Keyring.secureRandomBytes)
        let active = keyring.active
        try SealCounter.shared(id: active.id, secret: active.secret).value.store(
            TokenKey.sealLimit - 1, ordering: .relaxed)
        let data = try JSONValue(parsing: #"{"sub":"a"}"#)
        let seconds = Int64(now.timeIntervalSince1970)
        func seal(_ keyring: Keyring) throws -> String {
            try SealedToken.seal(
                context: .session(cookieName: "s"), data: data, iat: seconds, exp: seconds + 60, authTime: seconds,
                key: keyring.sealingKey!)
        }
        _ = try seal(keyring)
        #expect(throws: CryptoError.keyUsageLimitReached) { try seal(keyring) }
        // A reload parses the same file into new keys: still at the limit.
        let reloaded = try Keyring(parsing: keyring.serialized(), file: "keys.json")
        #expect(throws: CryptoError.keyUsageLimitReached) { try seal(reloaded) }
        #expect(reloaded.sealingKey!.sealCount >= TokenKey.sealWarningThreshold)
    }
}
