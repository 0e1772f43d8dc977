/// Opening: the checks of docs/token-format.md, in order; the first that fails is the error.
extension SealedToken {
    /// Opens a token (its text) sealed for `context`, with a key from `keys`, at time `now` (unix s).
    ///
    /// Checks in order: base64url and size (`malformed`), version (`malformed`), purpose against the
    /// context (`wrongPurpose`; unknown purpose bytes are `malformed`), key id (`unknownKey`), tag
    /// (`badTag`, which also covers another cookie name, action or subject), JSON shape (`badPayload`),
    /// then time: `expired` when now > exp + skew, `notYetValid` when iat > now + skew.
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
        guard token.count <= maximumEncodedLength else { throw .malformed }
        var raw: [UInt8]
        do { raw = try Base64URL.decode(token) } catch { throw .malformed }
        guard raw.count >= minimumSize, raw[0] == version else { throw .malformed }
        guard let purpose = TokenPurpose(rawValue: raw[1]) else { throw .malformed }
        guard context.accepts(purpose) else { throw .wrongPurpose }
        let keyID = UInt32(raw[2]) << 24 | UInt32(raw[3]) << 16 | UInt32(raw[4]) << 8 | UInt32(raw[5])
        guard let key = keys.openingKey(id: keyID) else { throw .unknownKey }

        let plaintextStart = headerSize + AES256GCM.nonceSize
        let plaintextEnd = raw.count - AES256GCM.tagSize
        let outcome = raw.withUnsafeMutableBytes { buffer in
            context.withAdditionalData(purpose: purpose, keyID: keyID) { aad in
                key.withSubkey(for: purpose) { subkey in
                    Result { () throws(CryptoError) in
                        // A context that cannot produce this token's AAD can never verify its tag.
                        guard let aad else { throw .authenticationFailed }
                        let body = UnsafeMutableRawBufferPointer(rebasing: buffer[plaintextStart..<plaintextEnd])
                        try AES256GCM.open(
                            UnsafeRawBufferPointer(body),
                            tag: UnsafeRawBufferPointer(rebasing: buffer[plaintextEnd...]), key: subkey,
                            nonce: UnsafeRawBufferPointer(rebasing: buffer[headerSize..<plaintextStart]),
                            aad: aad, plaintext: body)
                    }
                }
            }
        }
        switch outcome {
        case .success: break
        case .failure(.authenticationFailed): throw .badTag
        case .failure: throw .cryptoFailure
        }

        let plaintext = raw[plaintextStart..<plaintextEnd]
        let fields = try payloadFields(plaintext)
        // Saturating: a far-future exp or a far-past now must not trap.
        let (latest, overflowA) = fields.exp.addingReportingOverflow(skew)
        guard overflowA || now <= latest else { throw .expired }
        let (earliest, overflowB) = now.addingReportingOverflow(skew)
        guard overflowB || fields.iat <= earliest else { throw .notYetValid }
        return OpenedToken(
            keyID: keyID, purpose: purpose, iat: fields.iat, exp: fields.exp, authTime: fields.authTime,
            data: fields.data, rawData: Array(plaintext[fields.dataRange]))
    }

    private struct PayloadFields {
        var iat: Int64
        var exp: Int64
        var authTime: Int64?
        var data: JSONValue
        var dataRange: Range<Int>
    }

    /// Checks the plaintext is `{"iat": int, "exp": int, "data": any, ["auth_time": int]}` (other members
    /// ignored, duplicates refused), reading members directly rather than through a dictionary.
    private static func payloadFields(_ plaintext: ArraySlice<UInt8>) throws(TokenError) -> PayloadFields {
        var iat: JSONValue?
        var exp: JSONValue?
        var authTime: JSONValue?
        var data: (value: JSONValue, range: Range<Int>)?
        var others: Set<String> = []
        let isObject: Bool
        do {
            isObject = try JSONValue.withBytes(plaintext) { buffer throws(JSONError) in
                var parser = JSONParser(buffer)
                return try parser.parseTopLevelObject { key, keyOffset, value, range throws(JSONError) in
                    let fresh: Bool
                    switch key {
                    case "iat":
                        fresh = iat == nil
                        iat = value
                    case "exp":
                        fresh = exp == nil
                        exp = value
                    case "auth_time":
                        fresh = authTime == nil
                        authTime = value
                    case "data":
                        fresh = data == nil
                        data = (value, range)
                    default: fresh = others.insert(key).inserted
                    }
                    guard fresh else { throw JSONError(.duplicateKey, at: keyOffset) }
                }
            }
        } catch {
            throw .badPayload
        }
        guard isObject, let data, let iat = timestamp(iat), let exp = timestamp(exp) else { throw .badPayload }
        var authTimeValue: Int64?
        if authTime != nil {
            guard let time = timestamp(authTime) else { throw .badPayload }
            authTimeValue = time
        }
        // The range is in offsets from the slice start; the slice keeps its parent's indices.
        let base = plaintext.startIndex
        return PayloadFields(
            iat: iat, exp: exp, authTime: authTimeValue, data: data.value,
            dataRange: base + data.range.lowerBound..<base + data.range.upperBound)
    }

    /// An integral JSON number within ±2^53, as Int64; nil otherwise.
    private static func timestamp(_ value: JSONValue?) -> Int64? {
        guard case .number(let number)? = value, number == number.rounded(.towardZero),
            number.magnitude <= Double(maximumTimestamp)
        else { return nil }
        return Int64(number)
    }
}
