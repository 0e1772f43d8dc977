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
        // One buffer, filled in place: header, nonce, plaintext (encrypted in place), tag.
        var raw: [UInt8] = []
        raw.reserveCapacity(minimumSize + 64 + dataCount)
        raw.append(contentsOf: zeros[0..<headerSize + AES256GCM.nonceSize])
        raw.withUnsafeMutableBytes { writeHeader(purpose: purpose, keyID: key.id, into: $0) }
        if let nonce {
            guard nonce.count == AES256GCM.nonceSize else { throw .invalidNonceSize }
            raw.replaceSubrange(headerSize..<headerSize + AES256GCM.nonceSize, with: nonce)
        }
        let plaintextStart = raw.count
        appendPlaintext(iat: iat, exp: exp, authTime: authTime, to: &raw, writeData: writeData)
        let plaintextEnd = raw.count
        raw.append(contentsOf: zeros[0..<AES256GCM.tagSize])
        guard Base64URL.encodedCount(raw.count) <= maximumEncodedLength else { throw .inputTooLarge }

        try key.recordSeal()
        let result = raw.withUnsafeMutableBytes { buffer in
            context.withAdditionalData(purpose: purpose, keyID: key.id) { aad in
                key.withSubkey(for: purpose) { subkey in
                    Result { () throws(CryptoError) in
                        guard let aad else { throw .invalidContext }
                        let nonceBuffer = UnsafeMutableRawBufferPointer(
                            rebasing: buffer[headerSize..<headerSize + AES256GCM.nonceSize])
                        if nonce == nil { try takeNonce(into: nonceBuffer) }
                        let body = UnsafeMutableRawBufferPointer(rebasing: buffer[plaintextStart..<plaintextEnd])
                        try AES256GCM.seal(
                            UnsafeRawBufferPointer(body), key: subkey, nonce: UnsafeRawBufferPointer(nonceBuffer),
                            aad: aad, ciphertext: body,
                            tag: UnsafeMutableRawBufferPointer(rebasing: buffer[plaintextEnd...]))
                        return Base64URL.encode(UnsafeRawBufferPointer(buffer))
                    }
                }
            }
        }
        return try result.get()
    }

    /// Placeholder bytes for header, nonce and tag (a bulk copy is cheaper than appending a repetition).
    private static let zeros = [UInt8](repeating: 0, count: 32)

    /// A fresh random nonce from this thread's pool (see `NoncePool`).
    private static func takeNonce(into buffer: UnsafeMutableRawBufferPointer) throws(CryptoError) {
        guard let state = ThreadCipherContexts.current() else { throw .drainingOpenSSLErrors("thread crypto state") }
        try state.nonces.take(into: buffer)
    }

    /// Writes version, purpose and big-endian key id into the first 6 bytes of `buffer`.
    static func writeHeader(purpose: TokenPurpose, keyID: UInt32, into buffer: UnsafeMutableRawBufferPointer) {
        buffer[0] = version
        buffer[1] = purpose.rawValue
        buffer.storeBytes(of: keyID.bigEndian, toByteOffset: 2, as: UInt32.self)
    }

    /// `{"iat":N,"exp":N[,"auth_time":N],"data":…}`, compact, built without Foundation.
    static func appendPlaintext(
        iat: Int64, exp: Int64, authTime: Int64?, to output: inout [UInt8], writeData: (inout [UInt8]) -> Void
    ) {
        output.append(contentsOf: #"{"iat":"#.utf8)
        JSONSerializer.appendInteger(iat, to: &output)
        output.append(contentsOf: #","exp":"#.utf8)
        JSONSerializer.appendInteger(exp, to: &output)
        if let authTime {
            output.append(contentsOf: #","auth_time":"#.utf8)
            JSONSerializer.appendInteger(authTime, to: &output)
        }
        output.append(contentsOf: #","data":"#.utf8)
        writeData(&output)
        output.append(UInt8(ascii: "}"))
    }
}
