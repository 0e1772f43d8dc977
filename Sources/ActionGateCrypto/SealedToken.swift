/// Sealed tokens v1: AES-256-GCM-sealed JSON for session cookies and bound arguments.
///
/// Layout, key derivation, AAD and checks are specified in docs/token-format.md (and DESIGN.md):
/// `base64url(0x01 || purpose || key id (4, BE) || nonce (12) || ciphertext || tag (16))`, plaintext
/// `{"iat":…,"exp":…,"data":…}`. Sealing draws a fresh random nonce and counts the seal on the key.
public enum SealedToken {
    /// Format version byte.
    public static let version: UInt8 = 0x01
    /// Header bytes: version, purpose, key id.
    public static let headerSize = 6
    /// Smallest decoded token: header, nonce and tag around an empty ciphertext.
    public static let minimumSize = headerSize + AES256GCM.nonceSize + AES256GCM.tagSize
    /// Longest token text accepted or produced (64 KiB); longer input is `malformed` before decoding.
    public static let maximumEncodedLength = 64 * 1024
    /// Largest timestamp magnitude (2^53 s): beyond it a JSON number no longer holds every integer.
    public static let maximumTimestamp: UInt64 = 1 << 53

    /// Seals `data` for `context` with `key`, valid from `iat` to `exp` (unix seconds).
    ///
    /// `authTime` (sessions: first sign-in) is written as `auth_time` when given.
    /// - Throws: `.inputTooLarge` if the token would exceed 64 KiB, `.invalidContext`, `.invalidTimestamp`,
    ///   `.keyUsageLimitReached`, or `.openSSL`.
    public static func seal(
        context: TokenContext, data: JSONValue, iat: Int64, exp: Int64, authTime: Int64? = nil, key: TokenKey
    ) throws(CryptoError) -> String {
        try seal(
            context: context, iat: iat, exp: exp, authTime: authTime, key: key, nonce: nil,
            dataCount: data.estimatedSerializedCount
        ) {
            data.serialize(into: &$0)
        }
    }

    /// Seals pre-serialised JSON bytes as `data` (sealed verbatim; openers get them back as `rawData`).
    ///
    /// - Throws: `.invalidJSON` unless `serializedData` is one strict JSON value; otherwise as the
    ///   `JSONValue` overload.
    public static func seal(
        context: TokenContext, serializedData: some Collection<UInt8>, iat: Int64, exp: Int64,
        authTime: Int64? = nil, key: TokenKey
    ) throws(CryptoError) -> String {
        guard serializedData.count <= maximumEncodedLength else { throw .inputTooLarge }
        do { try JSONValue.validate(serializedData) } catch { throw .invalidJSON }
        return try seal(
            context: context, iat: iat, exp: exp, authTime: authTime, key: key, nonce: nil,
            dataCount: serializedData.count
        ) { $0.append(contentsOf: serializedData) }
    }

    /// Seals with an explicit nonce (nil = random). Internal: fixed nonces exist only for known-answer tests.
    static func seal(
        context: TokenContext, iat: Int64, exp: Int64, authTime: Int64?, key: TokenKey, nonce: [UInt8]?,
        dataCount: Int, writeData: (inout [UInt8]) -> Void
    ) throws(CryptoError) -> String {
        guard iat.magnitude <= maximumTimestamp, exp.magnitude <= maximumTimestamp,
            (authTime ?? 0).magnitude <= maximumTimestamp
        else {
            throw .invalidTimestamp
        }
        let purpose = context.sealingPurpose
        guard let state = ThreadCipherContexts.current() else { throw .drainingOpenSSLErrors("thread crypto state") }
        // One buffer, filled in place: header, nonce, plaintext (encrypted in place), tag. The fixed parts
        // before and after the data value go in with one copy each. The thread's spare buffer is reused
        // and given back only once it holds ciphertext (on failure it is simply freed).
        var raw = state.takeSealBuffer()
        raw.reserveCapacity(maximumPrefixSize + dataCount + suffix.utf8CodeUnitCount)
        appendPrefix(purpose: purpose, keyID: key.id, iat: iat, exp: exp, authTime: authTime, to: &raw)
        if let nonce {
            guard nonce.count == AES256GCM.nonceSize else { throw .invalidNonceSize }
            raw.replaceSubrange(headerSize..<headerSize + AES256GCM.nonceSize, with: nonce)
        }
        let plaintextStart = headerSize + AES256GCM.nonceSize
        writeData(&raw)
        raw.append(contentsOf: UnsafeRawBufferPointer(start: suffix.utf8Start, count: suffix.utf8CodeUnitCount))
        let plaintextEnd = raw.count - AES256GCM.tagSize
        guard Base64URL.encodedCount(raw.count) <= maximumEncodedLength else { throw .inputTooLarge }

        try key.recordSeal()
        let result = raw.withUnsafeMutableBytes { buffer in
            context.withAdditionalData(purpose: purpose, keyID: key.id) { aad in
                key.withSubkey(for: purpose) { subkey in
                    Result { () throws(CryptoError) in
                        guard let aad else { throw .invalidContext }
                        let nonceBuffer = UnsafeMutableRawBufferPointer(
                            rebasing: buffer[headerSize..<headerSize + AES256GCM.nonceSize])
                        if nonce == nil { try state.nonces.take(into: nonceBuffer) }
                        let body = UnsafeMutableRawBufferPointer(rebasing: buffer[plaintextStart..<plaintextEnd])
                        try AES256GCM.seal(
                            UnsafeRawBufferPointer(body), key: subkey, nonce: UnsafeRawBufferPointer(nonceBuffer),
                            aad: aad, ciphertext: body,
                            tag: UnsafeMutableRawBufferPointer(rebasing: buffer[plaintextEnd...]), contexts: state)
                        return Base64URL.encode(UnsafeRawBufferPointer(buffer))
                    }
                }
            }
        }
        let token = try result.get()
        state.keepSealBuffer(&raw)
        return token
    }

    /// The longest prefix `appendPrefix` writes: header, nonce and the members before `data`, with
    /// 20 characters per integer. (Computed, not stored: no one-time initialisation check per seal.)
    static var maximumPrefixSize: Int { headerSize + AES256GCM.nonceSize + 35 + 3 * 20 }

    /// What follows the data value: the closing brace, then zeros where the tag goes.
    private static var suffix: StaticString {
        "}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}"
    }

    /// Writes version, purpose and big-endian key id into the first 6 bytes of `buffer`.
    static func writeHeader(purpose: TokenPurpose, keyID: UInt32, into buffer: UnsafeMutableRawBufferPointer) {
        buffer[0] = version
        buffer[1] = purpose.rawValue
        buffer.storeBytes(of: keyID.bigEndian, toByteOffset: 2, as: UInt32.self)
    }

    /// Appends the header, a zero nonce and `{"iat":N,"exp":N[,"auth_time":N],"data":` — everything before
    /// the data value — written on the stack first, so the array takes one copy instead of a dozen appends.
    static func appendPrefix(
        purpose: TokenPurpose, keyID: UInt32, iat: Int64, exp: Int64, authTime: Int64?, to output: inout [UInt8]
    ) {
        withUnsafeTemporaryAllocation(byteCount: maximumPrefixSize, alignment: 8) { buffer in
            writeHeader(purpose: purpose, keyID: keyID, into: buffer)
            // The nonce's 12 bytes, zero until the seal draws it (two stores, not a memset call).
            buffer.storeBytes(of: 0, toByteOffset: headerSize, as: UInt64.self)
            buffer.storeBytes(of: 0, toByteOffset: headerSize + 8, as: UInt32.self)
            var offset = headerSize + AES256GCM.nonceSize
            offset = write(#"{"iat":"#, into: buffer, at: offset)
            offset = write(iat, into: buffer, at: offset)
            offset = write(#","exp":"#, into: buffer, at: offset)
            offset = write(exp, into: buffer, at: offset)
            if let authTime {
                offset = write(#","auth_time":"#, into: buffer, at: offset)
                offset = write(authTime, into: buffer, at: offset)
            }
            offset = write(#","data":"#, into: buffer, at: offset)
            output.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[0..<offset]))
        }
    }

    /// Writes `text` at `offset`; returns the offset after it.
    private static func write(_ text: StaticString, into buffer: UnsafeMutableRawBufferPointer, at offset: Int) -> Int {
        let count = text.utf8CodeUnitCount
        UnsafeMutableRawBufferPointer(rebasing: buffer[offset..<offset + count])
            .copyMemory(from: UnsafeRawBufferPointer(start: text.utf8Start, count: count))
        return offset + count
    }

    /// Writes `value` in decimal (as `JSONSerializer.appendInteger` does) at `offset`; returns the offset
    /// after it. (The digits are built right-aligned in the 20 bytes reserved for them, then moved.)
    private static func write(_ value: Int64, into buffer: UnsafeMutableRawBufferPointer, at offset: Int) -> Int {
        let start = JSONSerializer.writeInteger(value, endingAt: offset + 20, in: buffer)
        let count = offset + 20 - start
        if start != offset {
            UnsafeMutableRawBufferPointer(rebasing: buffer[offset..<offset + count])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[start..<start + count]))
        }
        return offset + count
    }
}
