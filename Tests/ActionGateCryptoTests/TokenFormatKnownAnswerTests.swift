import Testing

@testable import ActionGateCrypto

/// Locks the wire format: the worked examples of docs/token-format.md, computed independently by
/// scripts/token_reference.py (Python `cryptography`), must come out of the Swift code byte for byte.
@Suite struct TokenFormatKnownAnswerTests {
    /// Secret 00 01 … 1f (keyring: "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="), id 3f9a0c12.
    static let secret: [UInt8] = Array(0...31)
    static let keyID: UInt32 = 0x3f9a_0c12

    struct Example: Sendable, CustomTestStringConvertible {
        let context: TokenContext
        let data: String
        let iat: Int64
        let exp: Int64
        let authTime: Int64?
        let nonce: String
        let aad: String
        let token: String
        var testDescription: String { "\(context.sealingPurpose)" }
    }

    static let examples: [Example] = [
        Example(
            context: .session(cookieName: "__Host-actiongate"), data: #"{"roles":["admin"],"sub":"alice"}"#,
            iat: 1_700_000_000, exp: 1_700_028_800, authTime: 1_699_990_000, nonce: "000102030405060708090a0b",
            aad: "01013f9a0c125f5f486f73742d616374696f6e67617465",
            token:
                "AQE_mgwSAAECAwQFBgcICQoLAwbPRirjpBl5BLd_FFonixFQIv6eLNw7kc4hl-986XRUx3F0Q2mekkUkjQZOfTklzNrjH8YcNNkIa8"
                + "Bmy7Xc6VU3NxcOsGhzopLNCVX1DJtTdOKt58JUr9BnW6nDtsdBSICKx1w9ChMW3sDJaUGJ0pOTYg"),
        Example(
            context: .boundArguments(action: "createPost", subject: nil), data: #"{"draft":true,"title":"Hi"}"#,
            iat: 1_700_000_000, exp: 1_700_000_600, authTime: nil, nonce: "a0a1a2a3a4a5a6a7a8a9aaab",
            aad: "01023f9a0c12637265617465506f737400",
            token:
                "AQI_mgwSoKGio6Slpqeoqaqr-EPbv1tvaThZ7z3FznFRB1guOuTKvKJ3DCBcSdd705S-bsrGHxUj3Z0_f6dLzJ-wfnYI-28Pp2t9"
                + "mQN5xkIw0mQHFSNeQOb9rdxA3OMTFnot7wiriEI"),
        Example(
            context: .boundArguments(action: "deletePost", subject: "alice"), data: #"{"postId":42}"#,
            iat: 1_700_000_000, exp: 1_700_000_600, authTime: nil, nonce: "f0f1f2f3f4f5f6f7f8f9fafb",
            aad: "01033f9a0c1264656c657465506f737400616c696365",
            token:
                "AQM_mgwS8PHy8_T19vf4-fr7Uz0h0xmMqxDbCEvh2PxxzFPGi5WmzKAX7jtIB1fbtwnD4EXXBp2qiSdXG9nQh_r1phRWuSR-_xz-"
                + "69vLSauDMGSQsYf6e6Cy"),
    ]

    @Test func subkeysMatchTheDocumentedValues() throws {
        let session = try HKDF.sha256(
            ikm: Self.secret, salt: [], info: Array("actiongate/v1 session".utf8), outputLength: 32)
        let bound = try HKDF.sha256(
            ikm: Self.secret, salt: [], info: Array("actiongate/v1 bound-args".utf8), outputLength: 32)
        #expect(hexString(session) == "f9be03fd8ddb416f8e21731e3c7ac99083567f302aec5d0cf8e106f61eea835e")
        #expect(hexString(bound) == "09ad45799761ebfd1f3b4d684f958d767770c15bf2219b4a5cf04c110cc92eef")
        let key = try TokenKey(id: Self.keyID, secret: Self.secret)
        key.withSubkey(for: .session) { #expect(Array($0) == session) }
        key.withSubkey(for: .subjectBoundArguments) { #expect(Array($0) == bound) }
        #expect(key.idHex == "3f9a0c12")
    }

    @Test(arguments: examples)
    func aadMatchesTheDocumentedBytes(example: Example) {
        let aad = example.context.withAdditionalData(purpose: example.context.sealingPurpose, keyID: Self.keyID) {
            $0.map { Array($0) }
        }
        #expect(aad.map(hexString) == example.aad)
    }

    @Test(arguments: examples)
    func sealingWithTheExampleNonceGivesTheExactToken(example: Example) throws {
        let key = try TokenKey(id: Self.keyID, secret: Self.secret)
        let data = try JSONValue(parsing: example.data)
        let token = try SealedToken.seal(
            context: example.context, iat: example.iat, exp: example.exp, authTime: example.authTime, key: key,
            nonce: hex(example.nonce), dataCount: 0
        ) { data.serialize(into: &$0) }
        #expect(token == example.token)
    }

    @Test(arguments: examples)
    func theExampleTokenOpens(example: Example) throws {
        let keys = TestKeys(keys: [try TokenKey(id: Self.keyID, secret: Self.secret)])
        let opened = try SealedToken.open(example.token, context: example.context, keys: keys, now: example.iat)
        #expect(opened.rawData == Array(example.data.utf8))
        #expect(opened.iat == example.iat && opened.exp == example.exp && opened.authTime == example.authTime)
        #expect(opened.keyID == Self.keyID)
    }
}
