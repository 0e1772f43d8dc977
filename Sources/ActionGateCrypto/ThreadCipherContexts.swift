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

/// One thread's reusable `EVP_CIPHER_CTX`s — one for sealing, two for opening — and the key each was
/// last keyed with, plus the thread's nonce pool and a spare buffer for sealing.
///
/// Never shared: an instance is reachable only through the calling thread's pthread-specific slot, so it
/// needs no lock. Re-keying costs an AES key expansion and GHASH setup; reusing the key schedule when
/// calls on a thread use a key already loaded is what keeps a 64-byte seal close to `openssl speed`.
/// Opening has two contexts because a request opens two tokens under two subkeys (its session cookie
/// and its bound arguments, `TokenKey.withSubkey`): with one, each of them would re-key it.
final class ThreadCipherContexts {
    let sealContext: OpaquePointer
    /// The open contexts; `prepareOpen` picks the one holding the key, else re-keys the one used least
    /// recently.
    private let openContexts: [OpaquePointer]
    /// The last key loaded into each context (the seal context's, then one per open context); 32
    /// bytes each, zeroed on thread exit.
    private let sealKey: UnsafeMutableRawBufferPointer
    private let openKeys: UnsafeMutableRawBufferPointer
    private var sealKeyed = false
    private var openKeyed: [Bool]
    /// The open context used last.
    private var lastOpen = 0
    static let openContextCount = 2
    /// Random bytes reserved for this thread's GCM nonces.
    var nonces = NoncePool()
    /// A spare buffer for `SealedToken.seal`, so sealing does not allocate one per token (see
    /// `takeSealBuffer`).
    private var spareSealBuffer: [UInt8] = []
    /// Larger spare buffers are let go rather than kept for the thread's lifetime.
    static var spareSealBufferLimit: Int { 16 * 1024 }

    private init?() {
        guard let cipher = FetchedCipher.aes256GCM.pointer else { return nil }
        var contexts: [OpaquePointer] = []
        for _ in 0...Self.openContextCount {
            guard let context = EVP_CIPHER_CTX_new() else {
                for made in contexts { EVP_CIPHER_CTX_free(made) }
                return nil
            }
            contexts.append(context)
        }
        sealContext = contexts[0]
        openContexts = Array(contexts.dropFirst())
        sealKey = .allocate(byteCount: 32, alignment: 16)
        openKeys = .allocate(byteCount: 32 * Self.openContextCount, alignment: 16)
        sealKey.initializeMemory(as: UInt8.self, repeating: 0)
        openKeys.initializeMemory(as: UInt8.self, repeating: 0)
        openKeyed = Array(repeating: false, count: Self.openContextCount)
        // Bind the cipher once; later inits pass only key and/or nonce. (On failure deinit frees all.)
        guard EVP_EncryptInit_ex2(sealContext, cipher, nil, nil, nil) == 1,
            openContexts.allSatisfy({ EVP_DecryptInit_ex2($0, cipher, nil, nil, nil) == 1 })
        else { return nil }
    }

    deinit {
        EVP_CIPHER_CTX_free(sealContext)
        for context in openContexts { EVP_CIPHER_CTX_free(context) }
        OPENSSL_cleanse(sealKey.baseAddress, sealKey.count)
        OPENSSL_cleanse(openKeys.baseAddress, openKeys.count)
        sealKey.deallocate()
        openKeys.deallocate()
    }

    /// Loads `nonce` (and `key`, unless it is already loaded) into the seal context.
    func prepareSeal(key: UnsafeRawBufferPointer, nonce: UnsafeRawBufferPointer) -> Bool {
        let rekey = !sealKeyed || !Self.isLoaded(key, in: sealKey)
        let ok = EVP_EncryptInit_ex2(sealContext, nil, rekey ? key.bytePointer : nil, nonce.bytePointer, nil) == 1
        if ok && rekey { sealKey.copyMemory(from: key) }
        sealKeyed = ok
        return ok
    }

    /// An open context with `key` and `nonce` loaded: the one already holding `key` (only the nonce is
    /// loaded), else the least recently used one, re-keyed. `nil` when OpenSSL refuses.
    func prepareOpen(key: UnsafeRawBufferPointer, nonce: UnsafeRawBufferPointer) -> OpaquePointer? {
        var slot = -1
        for index in 0..<Self.openContextCount where openKeyed[index] && Self.isLoaded(key, in: openKey(index)) {
            slot = index
        }
        let rekey = slot < 0
        // Round robin over the contexts: with two, the one not used last.
        if rekey { slot = (lastOpen &+ 1) % Self.openContextCount }
        let context = openContexts[slot]
        let ok = EVP_DecryptInit_ex2(context, nil, rekey ? key.bytePointer : nil, nonce.bytePointer, nil) == 1
        if ok && rekey { openKey(slot).copyMemory(from: key) }
        openKeyed[slot] = ok
        lastOpen = slot
        return ok ? context : nil
    }

    /// The 32 bytes holding the key of open context `index`.
    private func openKey(_ index: Int) -> UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(rebasing: openKeys[(index &* 32)..<(index &* 32 &+ 32)])
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
        for index in openKeyed.indices { openKeyed[index] = false }
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
