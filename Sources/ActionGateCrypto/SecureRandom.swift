import COpenSSL

/// Cryptographically secure random bytes from OpenSSL's `RAND_bytes` (the system-seeded DRBG).
public enum SecureRandom {
    /// Fills `buffer` with random bytes.
    ///
    /// - Throws: `.openSSL` if the DRBG cannot produce output (for example, it could not be seeded);
    ///   callers must treat that as fatal for the operation, never fall back to weaker randomness.
    public static func fill(_ buffer: UnsafeMutableRawBufferPointer) throws(CryptoError) {
        var offset = 0
        // RAND_bytes takes an Int32 count; fill large buffers in chunks.
        while offset < buffer.count {
            let chunk = min(buffer.count - offset, 1 << 30)
            guard let base = buffer.bytePointer, RAND_bytes(base + offset, Int32(chunk)) == 1 else {
                throw .drainingOpenSSLErrors("RAND_bytes")
            }
            offset += chunk
        }
    }

    /// Returns `count` random bytes (for key material, nonces, request ids).
    public static func bytes(_ count: Int) throws(CryptoError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: max(0, count))
        let result = output.withUnsafeMutableBytes { buffer in
            Result { () throws(CryptoError) in try fill(buffer) }
        }
        try result.get()
        return output
    }
}
