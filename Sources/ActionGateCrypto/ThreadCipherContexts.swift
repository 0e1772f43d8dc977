import COpenSSL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The AES-256-GCM algorithm, fetched from the default provider once per process.
///
/// `@unchecked Sendable`: an `EVP_CIPHER` returned by `EVP_CIPHER_fetch` is immutable and documented by
/// OpenSSL as safe to share between threads; it is never freed (it lives as long as the process), so no
/// thread can observe it dangling.
struct FetchedCipher: @unchecked Sendable {
    let pointer: OpaquePointer?

    static let aes256GCM = FetchedCipher(pointer: EVP_CIPHER_fetch(nil, "AES-256-GCM", nil))
}

/// One thread's pair of reusable `EVP_CIPHER_CTX` (seal, open) and the key each was last keyed with,
/// plus the thread's nonce pool and a spare buffer for sealing.
///
/// Never shared: an instance is reachable only through the calling thread's pthread-specific slot, so it
/// needs no lock. Re-keying costs an AES key expansion; reusing the key schedule when consecutive calls on
/// a thread use the same key is what keeps a 64-byte seal close to `openssl speed`.
final class ThreadCipherContexts {
    let sealContext: OpaquePointer
    let openContext: OpaquePointer
    /// The last key loaded into each context; 32 bytes each, zeroed on thread exit.
    private let sealKey: UnsafeMutableRawBufferPointer
    private let openKey: UnsafeMutableRawBufferPointer
    private var sealKeyed = false
    private var openKeyed = false
    /// Random bytes reserved for this thread's GCM nonces.
    var nonces = NoncePool()
    /// A spare buffer for `SealedToken.seal`, so sealing does not allocate one per token (see
    /// `takeSealBuffer`).
    private var spareSealBuffer: [UInt8] = []
    /// Larger spare buffers are let go rather than kept for the thread's lifetime.
    static var spareSealBufferLimit: Int { 16 * 1024 }

    private init?() {
        guard let cipher = FetchedCipher.aes256GCM.pointer,
            let seal = EVP_CIPHER_CTX_new()
        else { return nil }
        guard let open = EVP_CIPHER_CTX_new() else {
            EVP_CIPHER_CTX_free(seal)
            return nil
        }
        sealContext = seal
        openContext = open
        sealKey = .allocate(byteCount: 32, alignment: 16)
        openKey = .allocate(byteCount: 32, alignment: 16)
        sealKey.initializeMemory(as: UInt8.self, repeating: 0)
        openKey.initializeMemory(as: UInt8.self, repeating: 0)
        // Bind the cipher once; later inits pass only key and/or nonce.
        guard EVP_EncryptInit_ex2(seal, cipher, nil, nil, nil) == 1,
            EVP_DecryptInit_ex2(open, cipher, nil, nil, nil) == 1
        else { return nil }
    }

    deinit {
        EVP_CIPHER_CTX_free(sealContext)
        EVP_CIPHER_CTX_free(openContext)
        OPENSSL_cleanse(sealKey.baseAddress, 32)
        OPENSSL_cleanse(openKey.baseAddress, 32)
        sealKey.deallocate()
        openKey.deallocate()
    }

    /// Loads `nonce` (and `key`, unless it is already loaded) into the seal context.
    func prepareSeal(key: UnsafeRawBufferPointer, nonce: UnsafeRawBufferPointer) -> Bool {
        let rekey = !sealKeyed || !Self.isLoaded(key, in: sealKey)
        let ok = EVP_EncryptInit_ex2(sealContext, nil, rekey ? key.bytePointer : nil, nonce.bytePointer, nil) == 1
        if ok && rekey { sealKey.copyMemory(from: key) }
        sealKeyed = ok
        return ok
    }

    /// Loads `nonce` (and `key`, unless it is already loaded) into the open context.
    func prepareOpen(key: UnsafeRawBufferPointer, nonce: UnsafeRawBufferPointer) -> Bool {
        let rekey = !openKeyed || !Self.isLoaded(key, in: openKey)
        let ok = EVP_DecryptInit_ex2(openContext, nil, rekey ? key.bytePointer : nil, nonce.bytePointer, nil) == 1
        if ok && rekey { openKey.copyMemory(from: key) }
        openKeyed = ok
        return ok
    }

    /// The spare seal buffer (empty, with its capacity), or an empty array when there is none (also when
    /// a seal is already using it).
    func takeSealBuffer() -> [UInt8] {
        var buffer: [UInt8] = []
        swap(&buffer, &spareSealBuffer)
        return buffer
    }

    /// Keeps `buffer` as the spare, emptied. Only after a successful seal, when it holds header, nonce,
    /// ciphertext and tag — nothing secret; a buffer that may still hold plaintext is never given back.
    func keepSealBuffer(_ buffer: inout [UInt8]) {
        guard buffer.capacity <= Self.spareSealBufferLimit else { return }
        buffer.removeAll(keepingCapacity: true)
        swap(&buffer, &spareSealBuffer)
    }

    /// Whether `key` equals the 32 bytes `loaded` holds. Constant-time as `ConstantTime.equals` is (four
    /// word differences ORed together, no early exit), but inline: this runs on every seal and open,
    /// and the library call cost as much as the rest of the key check.
    private static func isLoaded(_ key: UnsafeRawBufferPointer, in loaded: UnsafeMutableRawBufferPointer) -> Bool {
        guard key.count == 32, loaded.count == 32, let keyBytes = key.baseAddress, let loadedBytes = loaded.baseAddress
        else { return false }
        var difference: UInt64 = 0
        for offset in stride(from: 0, to: 32, by: 8) {
            difference |=
                keyBytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                ^ loadedBytes.load(fromByteOffset: offset, as: UInt64.self)
        }
        return difference == 0
    }

    /// Forgets the loaded keys after a failure, so the next call re-keys from a clean state.
    func reset() {
        sealKeyed = false
        openKeyed = false
    }

    /// The calling thread's contexts, created on first use and freed when the thread exits.
    static func current() -> ThreadCipherContexts? {
        let slot = threadSlot.key
        if let raw = pthread_getspecific(slot) {
            return Unmanaged<ThreadCipherContexts>.fromOpaque(raw).takeUnretainedValue()
        }
        guard let fresh = ThreadCipherContexts() else { return nil }
        guard pthread_setspecific(slot, Unmanaged.passRetained(fresh).toOpaque()) == 0 else { return nil }
        return fresh
    }
}

/// The pthread key under which each thread stores its `ThreadCipherContexts` (retained).
private struct ThreadSlot: Sendable {
    let key: pthread_key_t
}

/// Created once (Swift globals initialise exactly once, thread-safely); the destructor releases the
/// thread's contexts when the thread exits.
private let threadSlot: ThreadSlot = {
    var key = pthread_key_t()
    _ = pthread_key_create(&key) { raw in
        guard let raw else { return }
        Unmanaged<ThreadCipherContexts>.fromOpaque(raw).release()
    }
    return ThreadSlot(key: key)
}()
