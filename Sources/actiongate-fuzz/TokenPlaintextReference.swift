import ActionGateCrypto

/// Seals fuzzed bytes as a token plaintext with the fixture key — built here from DESIGN.md's format
/// with `HKDF` and `AES256GCM` directly, not with `SealedToken.seal` — and checks that `SealedToken.open`
/// gives exactly the outcome the documented payload rules predict.
///
/// Payload rules (DESIGN.md "Sealed token format v1"): a JSON object with integer `iat` and `exp`
/// (|x| ≤ 2^53), a `data` member, an optional integer `auth_time`, other members ignored; then
/// `expired` when now > exp + skew, `not_yet_valid` when iat > now + skew.
enum TokenPlaintextReference {
    static let skew: Int64 = 60
    static let keyID: UInt32 = 0x3f9a_0c12
    /// Plaintexts whose token would pass the 64 KiB text limit are not sealed.
    static let maximumPlaintext = 40_000

    static let sessionSubkey: Result<[UInt8], CryptoError> = subkey(info: TokenPurpose.session.hkdfInfo)
    static let boundSubkey: Result<[UInt8], CryptoError> = subkey(info: TokenPurpose.boundArguments.hkdfInfo)

    static func subkey(info: String) -> Result<[UInt8], CryptoError> {
        Result { () throws(CryptoError) in
            try HKDF.sha256(ikm: FuzzKeys.activeSecret, salt: [UInt8](), info: Array(info.utf8), outputLength: 32)
        }
    }

    static func check(_ plaintext: [UInt8], keys: FuzzKeys) throws(PropertyViolation) {
        guard plaintext.count <= maximumPlaintext else { return }
        let cases: [(TokenContext, TokenPurpose, [UInt8], Result<[UInt8], CryptoError>)] = [
            (.session(cookieName: FuzzFixture.cookieName), .session, Array(FuzzFixture.cookieName.utf8), sessionSubkey),
            (
                .boundArguments(action: "deleteNote", subject: "alice"), .subjectBoundArguments,
                Array("deleteNote\u{0}alice".utf8), boundSubkey
            ),
        ]
        for (context, purpose, contextBytes, subkey) in cases {
            let key: [UInt8]
            do { key = try subkey.get() } catch { throw PropertyViolation(message: "HKDF failed: \(error)") }
            let token = try seal(plaintext, purpose: purpose, context: contextBytes, key: key)
            let outcome = Result { () throws(TokenError) in
                try SealedToken.open(token, context: context, keys: keys, now: FuzzFixture.now, skew: skew)
            }
            let expected = expectedOutcome(plaintext)
            switch (outcome, expected) {
            case (.success(let opened), .success(let data)):
                try PropertyViolation.check(opened.data == data, "opened data differs from the sealed data member")
                try PropertyViolation.check(
                    (try? JSONValue(parsing: opened.rawData)) == data, "rawData is not the sealed data member")
            case (.failure(let error), .failure(let want)):
                try PropertyViolation.check(
                    error == want, "open says \(error.code), the payload rules say \(want.code)")
            case (.success, .failure(let want)):
                throw PropertyViolation(message: "a plaintext opened that the payload rules refuse (\(want.code))")
            case (.failure(let error), .success):
                throw PropertyViolation(message: "a valid plaintext was refused: \(error.code)")
            }
        }
    }

    /// `version || purpose || key id || nonce || AES-256-GCM(plaintext) || tag`, AAD = header || context.
    static func seal(_ plaintext: [UInt8], purpose: TokenPurpose, context: [UInt8], key: [UInt8])
        throws(PropertyViolation) -> String
    {
        let header: [UInt8] = [
            0x01, purpose.rawValue, UInt8(keyID >> 24), UInt8(keyID >> 16 & 0xFF), UInt8(keyID >> 8 & 0xFF),
            UInt8(keyID & 0xFF),
        ]
        let nonce = [UInt8](repeating: 0x5A, count: AES256GCM.nonceSize)  // fixed: this key seals nothing real
        var body = plaintext
        var tag = [UInt8](repeating: 0, count: AES256GCM.tagSize)
        let aad = header + context
        let result = body.withUnsafeMutableBytes { body in
            tag.withUnsafeMutableBytes { tag in
                key.withUnsafeBytes { key in
                    nonce.withUnsafeBytes { nonce in
                        aad.withUnsafeBytes { aad in
                            Result { () throws(CryptoError) in
                                try AES256GCM.seal(
                                    UnsafeRawBufferPointer(body), key: key, nonce: nonce, aad: aad, ciphertext: body,
                                    tag: tag)
                            }
                        }
                    }
                }
            }
        }
        if case .failure(let error) = result { throw PropertyViolation(message: "AES-GCM seal failed: \(error)") }
        return Base64URL.encode(header + nonce + body + tag)
    }

    /// The outcome the payload rules predict: the `data` member, or the first failing check.
    static func expectedOutcome(_ plaintext: [UInt8]) -> Result<JSONValue, TokenError> {
        guard case .object(let members)? = try? JSONValue(parsing: plaintext), let data = members["data"],
            let iat = timestamp(members["iat"]), let exp = timestamp(members["exp"])
        else { return .failure(.badPayload) }
        if let authTime = members["auth_time"], timestamp(authTime) == nil { return .failure(.badPayload) }
        if FuzzFixture.now > exp + skew { return .failure(.expired) }
        if iat > FuzzFixture.now + skew { return .failure(.notYetValid) }
        return .success(data)
    }

    static func timestamp(_ value: JSONValue?) -> Int64? {
        guard case .number(let number)? = value, number.isFinite, number.rounded() == number,
            abs(number) <= 9_007_199_254_740_992
        else { return nil }
        return Int64(number)
    }
}
