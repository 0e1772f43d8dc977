import COpenSSL

/// HKDF (RFC 5869) on system OpenSSL's `EVP_KDF`.
public enum HKDF {
    /// Derives `outputLength` bytes with HKDF-SHA256 (extract then expand).
    ///
    /// An empty `salt` means RFC 5869's default: HashLen (32) zero bytes. `outputLength` must be in
    /// 1...8160 (255 × 32).
    /// - Throws: `.invalidOutputLength`, `.inputTooLarge`, or `.openSSL`.
    public static func sha256(
        ikm: some Collection<UInt8>, salt: some Collection<UInt8>, info: some Collection<UInt8>, outputLength: Int
    ) throws(CryptoError) -> [UInt8] {
        guard outputLength >= 1, outputLength <= 255 * HMAC.sha256Size else { throw .invalidOutputLength }
        // OSSL_PARAM wants mutable pointers (it only reads them); an extra trailing byte keeps every
        // pointer valid when a value is empty, while the length passed stays the real one.
        var ikm = Array(ikm) + [0]
        var salt = (salt.isEmpty ? [UInt8](repeating: 0, count: HMAC.sha256Size) : Array(salt)) + [0]
        var info = Array(info) + [0]
        var digest = Array("SHA256".utf8CString)
        let names = (
            Array("key".utf8CString), Array("salt".utf8CString), Array("info".utf8CString),
            Array("digest".utf8CString)
        )
        defer { ikm.withUnsafeMutableBytes { OPENSSL_cleanse($0.baseAddress, $0.count) } }
        guard ikm.count < 1 << 30, salt.count < 1 << 30, info.count < 1 << 30 else { throw .inputTooLarge }

        guard let kdf = EVP_KDF_fetch(nil, "HKDF", nil) else { throw .drainingOpenSSLErrors("EVP_KDF_fetch HKDF") }
        defer { EVP_KDF_free(kdf) }
        guard let ctx = EVP_KDF_CTX_new(kdf) else { throw .drainingOpenSSLErrors("EVP_KDF_CTX_new") }
        defer { EVP_KDF_CTX_free(ctx) }

        var output = [UInt8](repeating: 0, count: outputLength)
        let ok = ikm.withUnsafeMutableBytes { ikmBuffer in
            salt.withUnsafeMutableBytes { saltBuffer in
                info.withUnsafeMutableBytes { infoBuffer in
                    digest.withUnsafeMutableBufferPointer { digestName in
                        names.0.withUnsafeBufferPointer { keyName in
                            names.1.withUnsafeBufferPointer { saltName in
                                names.2.withUnsafeBufferPointer { infoName in
                                    names.3.withUnsafeBufferPointer { digestKey in
                                        output.withUnsafeMutableBufferPointer { out in
                                            var params = [
                                                OSSL_PARAM_construct_utf8_string(
                                                    digestKey.baseAddress, digestName.baseAddress, 0),
                                                OSSL_PARAM_construct_octet_string(
                                                    keyName.baseAddress, ikmBuffer.baseAddress, ikmBuffer.count - 1),
                                                OSSL_PARAM_construct_octet_string(
                                                    saltName.baseAddress, saltBuffer.baseAddress, saltBuffer.count - 1),
                                                OSSL_PARAM_construct_octet_string(
                                                    infoName.baseAddress, infoBuffer.baseAddress, infoBuffer.count - 1),
                                                OSSL_PARAM_construct_end(),
                                            ]
                                            return EVP_KDF_derive(ctx, out.baseAddress, out.count, &params) == 1
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        guard ok else { throw .drainingOpenSSLErrors("HKDF-SHA256") }
        return output
    }
}
