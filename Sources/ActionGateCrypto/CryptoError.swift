import COpenSSL

/// A failure of a cryptographic primitive (AES-256-GCM, HKDF, HMAC, random bytes, token sealing).
///
/// Cases carry no secret material and no caller input, so they are safe to log. `.authenticationFailed`
/// is the only case an attacker can provoke through input; every other case is a programming or
/// configuration error (wrong key length, exhausted key) or an OpenSSL failure.
public enum CryptoError: Error, Equatable, Hashable, Sendable {
    /// A key was not the required length (AES-256-GCM and token secrets: 32 bytes).
    case invalidKeySize
    /// A GCM nonce was not 12 bytes.
    case invalidNonceSize
    /// A GCM tag was not 16 bytes.
    case invalidTagSize
    /// An output buffer was not exactly the size the operation writes.
    case invalidOutputSize
    /// An input exceeds what the operation accepts (OpenSSL `int` lengths, the 64 KiB token bound).
    case inputTooLarge
    /// HKDF was asked for more than 255 × 32 bytes, or for none.
    case invalidOutputLength
    /// The GCM tag did not verify: wrong key, nonce, AAD, or tampered ciphertext. No plaintext is released.
    case authenticationFailed
    /// Bytes given as pre-serialised JSON are not a single valid JSON value.
    case invalidJSON
    /// A token context that cannot be encoded unambiguously (an action id containing a 0x00 byte).
    case invalidContext
    /// `iat`, `exp` or `auth_time` outside ±2^53 seconds, which JSON numbers cannot carry exactly.
    case invalidTimestamp
    /// The key has sealed 2^32 tokens, the NIST SP 800-38D bound for random 96-bit nonces. Rotate keys.
    case keyUsageLimitReached
    /// OpenSSL reported a failure; the string names the call and OpenSSL's reason, never key material.
    case openSSL(String)
}

extension CryptoError {
    /// Builds `.openSSL` from the thread's OpenSSL error queue and clears it, so later calls on this
    /// thread do not see stale errors.
    static func drainingOpenSSLErrors(_ operation: String) -> CryptoError {
        let code = ERR_get_error()
        var reason = ""
        if code != 0, let text = ERR_reason_error_string(code) {
            reason = ": " + String(cString: text)
        }
        ERR_clear_error()
        return .openSSL(operation + reason)
    }
}
