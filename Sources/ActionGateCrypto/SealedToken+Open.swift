/// Opening: the checks of docs/token-format.md, in order; the first that fails is the error.
extension SealedToken {
    /// Opens a token (its text) sealed for `context`, with a key from `keys`, at time `now` (unix s).
    ///
    /// Checks in order: base64url and size (`malformed`), version (`malformed`), purpose against the
    /// context (`wrongPurpose`; unknown purpose bytes are `malformed`), key id (`unknownKey`), tag
    /// (`badTag`, which also covers another cookie name, action or subject), JSON shape (`badPayload`),
    /// then time: `expired` when now > exp + skew, `notYetValid` when iat > now + skew.
    public static func open(
        _ token: String, context: TokenContext, keys: some TokenKeySource, now: Int64, skew: Int64 = 60
    ) throws(TokenError) -> OpenedToken {
        // The common case gets its bytes directly: the generic overloads, unspecialised across modules,
        // pay for metadata look-ups on every call.
        guard token.utf8.count <= maximumEncodedLength else { throw .malformed }
        var text = token
        return try text.withUTF8 { utf8 in
            Result { () throws(TokenError) in
                try open(UnsafeRawBufferPointer(utf8), context: context, keys: keys, now: now, skew: skew)
            }
        }.get()
    }

    /// Opens a token given as any string (see the `String` overload).
    public static func open(
        _ token: some StringProtocol, context: TokenContext, keys: some TokenKeySource, now: Int64, skew: Int64 = 60
    ) throws(TokenError) -> OpenedToken {
        try open(token.utf8, context: context, keys: keys, now: now, skew: skew)
    }

    /// Opens a token given as its ASCII bytes (see the string overload).
    public static func open(
        _ token: some Collection<UInt8>, context: TokenContext, keys: some TokenKeySource, now: Int64,
        skew: Int64 = 60
    ) throws(TokenError) -> OpenedToken {
        guard token.count <= maximumEncodedLength else { throw .malformed }
        let result = token.withContiguousStorageIfAvailable { buffer in
            Result { () throws(TokenError) in
                try open(UnsafeRawBufferPointer(buffer), context: context, keys: keys, now: now, skew: skew)
            }
        }
        if let result { return try result.get() }
        return try Array(token).withUnsafeBytes { buffer in
            Result { () throws(TokenError) in
                try open(buffer, context: context, keys: keys, now: now, skew: skew)
            }
        }.get()
    }

    private static func open(
        _ token: UnsafeRawBufferPointer, context: TokenContext, keys: some TokenKeySource, now: Int64, skew: Int64
    ) throws(TokenError) -> OpenedToken {
        guard token.count <= maximumEncodedLength, let rawCount = Base64URL.decodedCount(token.count),
            rawCount >= minimumSize
        else { throw .malformed }
        // A scratch buffer, not an array: a plain allocation skips the generic set-up (a metadata look-up)
        // an uninitialised array costs. Only `rawData` is copied out of it.
        let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: rawCount, alignment: 16)
        defer { raw.deallocate() }
        do { try Base64URL.decode(token, into: raw) } catch { throw .malformed }
        guard raw[0] == version else { throw .malformed }
        guard let purpose = TokenPurpose(rawValue: raw[1]) else { throw .malformed }
        guard context.accepts(purpose) else { throw .wrongPurpose }
        let keyID = UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: 2, as: UInt32.self))
        guard let key = keys.openingKey(id: keyID) else { throw .unknownKey }

        let plaintextStart = headerSize + AES256GCM.nonceSize
        let plaintextEnd = rawCount - AES256GCM.tagSize
        let body = UnsafeMutableRawBufferPointer(rebasing: raw[plaintextStart..<plaintextEnd])
        let outcome = context.withAdditionalData(purpose: purpose, keyID: keyID) { aad in
            key.withSubkey(for: purpose) { subkey in
                Result { () throws(CryptoError) in
                    // A context that cannot produce this token's AAD can never verify its tag.
                    guard let aad else { throw .authenticationFailed }
                    try AES256GCM.open(
                        UnsafeRawBufferPointer(body), tag: UnsafeRawBufferPointer(rebasing: raw[plaintextEnd...]),
                        key: subkey, nonce: UnsafeRawBufferPointer(rebasing: raw[headerSize..<plaintextStart]),
                        aad: aad, plaintext: body)
                }
            }
        }
        switch outcome {
        case .success: break
        case .failure(.authenticationFailed): throw .badTag
        case .failure: throw .cryptoFailure
        }

        let payload = try TokenPayload(UnsafeRawBufferPointer(body))
        // Saturating: a far-future exp or a far-past now must not trap.
        let (latest, overflowA) = payload.exp.addingReportingOverflow(skew)
        guard overflowA || now <= latest else { throw .expired }
        let (earliest, overflowB) = now.addingReportingOverflow(skew)
        guard overflowB || payload.iat <= earliest else { throw .notYetValid }
        return OpenedToken(
            keyID: keyID, purpose: purpose, iat: payload.iat, exp: payload.exp, authTime: payload.authTime,
            validatedRawData: Array(UnsafeRawBufferPointer(rebasing: body[payload.dataRange])))
    }
}
