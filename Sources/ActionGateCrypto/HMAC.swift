import COpenSSL

/// HMAC (RFC 2104) on system OpenSSL.
public enum HMAC {
    /// Length of an HMAC-SHA256 output in bytes.
    public static let sha256Size = 32

    /// HMAC-SHA256 of `message` under `key` (any length; RFC 2104 hashes keys longer than 64 bytes).
    ///
    /// Compare MACs with `ConstantTime.equals`, never `==`.
    /// - Throws: `.inputTooLarge` for keys over 2 GiB, `.openSSL` if OpenSSL fails.
    public static func sha256(key: some Collection<UInt8>, message: some Collection<UInt8>) throws(CryptoError)
        -> [UInt8]
    {
        let keyBytes = Array(key)
        let messageBytes = message.withContiguousStorageIfAvailable { Array($0) } ?? Array(message)
        var output = [UInt8](repeating: 0, count: sha256Size)
        let result = keyBytes.withUnsafeBytes { key in
            messageBytes.withUnsafeBytes { message in
                output.withUnsafeMutableBytes { output in
                    Result { () throws(CryptoError) in try sha256(key: key, message: message, into: output) }
                }
            }
        }
        try result.get()
        return output
    }

    /// HMAC-SHA256 into `output`, which must be exactly 32 bytes.
    public static func sha256(
        key: UnsafeRawBufferPointer, message: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws(CryptoError) {
        guard output.count == sha256Size else { throw .invalidOutputSize }
        guard key.count <= Int(Int32.max) else { throw .inputTooLarge }
        // OpenSSL refuses a NULL key even with length 0; an empty key is legal HMAC, so point at a dummy byte.
        var written = 0
        let ok = withUnsafeBytes(of: UInt8(0)) { dummy in
            EVP_Q_mac(
                nil, "HMAC", nil, "SHA256", nil,
                key.baseAddress ?? dummy.baseAddress, key.count,
                message.bytePointer ?? dummy.bytePointer, message.count,
                output.bytePointer, output.count, &written) != nil
        }
        guard ok, written == sha256Size else { throw .drainingOpenSSLErrors("HMAC-SHA256") }
    }
}
