import COpenSSL

/// AES-256-GCM authenticated encryption on system OpenSSL: 32-byte key, 12-byte nonce, 16-byte tag.
///
/// The buffer-based functions do no allocation: the cipher is fetched once per process and each thread
/// reuses its own `EVP_CIPHER_CTX` pair. A nonce must never repeat under one key; callers draw it from
/// `SecureRandom` and bound the number of seals per key (see `TokenKey`). `open` verifies the tag before
/// returning and zeroes its output when verification fails, so forged input never yields plaintext.
public enum AES256GCM {
    /// Key length in bytes.
    public static let keySize = 32
    /// Nonce (IV) length in bytes.
    public static let nonceSize = 12
    /// Authentication tag length in bytes.
    public static let tagSize = 16

    /// Encrypts `plaintext` into `ciphertext` (same length; may be the same memory) and writes the tag.
    ///
    /// - Throws: `.invalidKeySize`, `.invalidNonceSize`, `.invalidTagSize`, `.invalidOutputSize`,
    ///   `.inputTooLarge`, or `.openSSL` if OpenSSL fails.
    public static func seal(
        _ plaintext: UnsafeRawBufferPointer, key: UnsafeRawBufferPointer, nonce: UnsafeRawBufferPointer,
        aad: UnsafeRawBufferPointer, ciphertext: UnsafeMutableRawBufferPointer, tag: UnsafeMutableRawBufferPointer
    ) throws(CryptoError) {
        guard let contexts = ThreadCipherContexts.current() else {
            throw .drainingOpenSSLErrors("AES-256-GCM context setup")
        }
        try seal(plaintext, key: key, nonce: nonce, aad: aad, ciphertext: ciphertext, tag: tag, contexts: contexts)
    }

    /// `seal` with this thread's contexts already at hand (`SealedToken.seal` has them for the nonce).
    static func seal(
        _ plaintext: UnsafeRawBufferPointer, key: UnsafeRawBufferPointer, nonce: UnsafeRawBufferPointer,
        aad: UnsafeRawBufferPointer, ciphertext: UnsafeMutableRawBufferPointer, tag: UnsafeMutableRawBufferPointer,
        contexts: ThreadCipherContexts
    ) throws(CryptoError) {
        try validate(key: key, nonce: nonce, tagCount: tag.count, input: plaintext, aad: aad, output: ciphertext)
        let ctx = contexts.sealContext
        var written: Int32 = 0
        guard contexts.prepareSeal(key: key, nonce: nonce),
            aad.isEmpty || EVP_EncryptUpdate(ctx, nil, &written, aad.bytePointer, Int32(aad.count)) == 1,
            plaintext.isEmpty
                || EVP_EncryptUpdate(
                    ctx, ciphertext.bytePointer, &written, plaintext.bytePointer, Int32(plaintext.count)) == 1,
            EVP_EncryptFinal_ex(ctx, ciphertext.bytePointer, &written) == 1,
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, Int32(tagSize), tag.baseAddress) == 1
        else {
            contexts.reset()
            throw .drainingOpenSSLErrors("AES-256-GCM seal")
        }
    }

    /// Verifies `tag` and decrypts `ciphertext` into `plaintext` (same length; may be the same memory).
    ///
    /// On `.authenticationFailed` the output buffer has been zeroed: nothing decrypted is left behind.
    /// - Throws: `.authenticationFailed`, a size error, or `.openSSL`.
    public static func open(
        _ ciphertext: UnsafeRawBufferPointer, tag: UnsafeRawBufferPointer, key: UnsafeRawBufferPointer,
        nonce: UnsafeRawBufferPointer, aad: UnsafeRawBufferPointer, plaintext: UnsafeMutableRawBufferPointer
    ) throws(CryptoError) {
        try validate(key: key, nonce: nonce, tagCount: tag.count, input: ciphertext, aad: aad, output: plaintext)
        guard let contexts = ThreadCipherContexts.current() else {
            throw .drainingOpenSSLErrors("AES-256-GCM context setup")
        }
        var written: Int32 = 0
        guard let ctx = contexts.prepareOpen(key: key, nonce: nonce),
            aad.isEmpty || EVP_DecryptUpdate(ctx, nil, &written, aad.bytePointer, Int32(aad.count)) == 1,
            ciphertext.isEmpty
                || EVP_DecryptUpdate(
                    ctx, plaintext.bytePointer, &written, ciphertext.bytePointer, Int32(ciphertext.count)) == 1,
            EVP_CIPHER_CTX_ctrl(
                ctx, EVP_CTRL_AEAD_SET_TAG, Int32(tagSize), UnsafeMutableRawPointer(mutating: tag.baseAddress)) == 1
        else {
            wipe(plaintext)
            contexts.reset()
            throw .drainingOpenSSLErrors("AES-256-GCM open")
        }
        guard EVP_DecryptFinal_ex(ctx, plaintext.bytePointer, &written) == 1 else {
            wipe(plaintext)
            ERR_clear_error()
            throw .authenticationFailed
        }
    }

    /// Encrypts `plaintext`; returns the ciphertext and the 16-byte tag separately.
    public static func seal(
        _ plaintext: [UInt8], key: [UInt8], nonce: [UInt8], aad: [UInt8] = []
    ) throws(CryptoError) -> (ciphertext: [UInt8], tag: [UInt8]) {
        var ciphertext = [UInt8](repeating: 0, count: plaintext.count)
        var tag = [UInt8](repeating: 0, count: tagSize)
        let result: Result<Void, CryptoError> = plaintext.withUnsafeBytes { input in
            key.withUnsafeBytes { key in
                nonce.withUnsafeBytes { nonce in
                    aad.withUnsafeBytes { aad in
                        ciphertext.withUnsafeMutableBytes { output in
                            tag.withUnsafeMutableBytes { tag in
                                Result { () throws(CryptoError) in
                                    try seal(input, key: key, nonce: nonce, aad: aad, ciphertext: output, tag: tag)
                                }
                            }
                        }
                    }
                }
            }
        }
        try result.get()
        return (ciphertext, tag)
    }

    /// Verifies and decrypts; returns the plaintext only if the tag verifies.
    public static func open(
        _ ciphertext: [UInt8], tag: [UInt8], key: [UInt8], nonce: [UInt8], aad: [UInt8] = []
    ) throws(CryptoError) -> [UInt8] {
        var plaintext = [UInt8](repeating: 0, count: ciphertext.count)
        let result: Result<Void, CryptoError> = ciphertext.withUnsafeBytes { input in
            tag.withUnsafeBytes { tag in
                key.withUnsafeBytes { key in
                    nonce.withUnsafeBytes { nonce in
                        aad.withUnsafeBytes { aad in
                            plaintext.withUnsafeMutableBytes { output in
                                Result { () throws(CryptoError) in
                                    try open(input, tag: tag, key: key, nonce: nonce, aad: aad, plaintext: output)
                                }
                            }
                        }
                    }
                }
            }
        }
        try result.get()
        return plaintext
    }

    private static func validate(
        key: UnsafeRawBufferPointer, nonce: UnsafeRawBufferPointer, tagCount: Int,
        input: UnsafeRawBufferPointer, aad: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer
    ) throws(CryptoError) {
        guard key.count == keySize, key.baseAddress != nil else { throw .invalidKeySize }
        guard nonce.count == nonceSize, nonce.baseAddress != nil else { throw .invalidNonceSize }
        guard tagCount == tagSize else { throw .invalidTagSize }
        guard input.count <= Int(Int32.max), aad.count <= Int(Int32.max) else { throw .inputTooLarge }
        guard output.count == input.count else { throw .invalidOutputSize }
    }

    private static func wipe(_ buffer: UnsafeMutableRawBufferPointer) {
        if let base = buffer.baseAddress, buffer.count > 0 { OPENSSL_cleanse(base, buffer.count) }
    }
}
