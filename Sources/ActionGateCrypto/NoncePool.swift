import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A per-thread reserve of `RAND_bytes` output from which GCM nonces are taken, 12 bytes at a time.
///
/// Why: one `RAND_bytes` call costs ~700 ns in OpenSSL 3.0 (a DRBG round plus a `getpid` fork check),
/// more than the AES-GCM work of a 1 KiB token. Drawing 4 KiB at once amortises that to a few ns.
/// Safety: nonces are public (they travel in the token), so holding future ones in memory reveals nothing;
/// what matters is that none is used twice. Each byte is handed out once and zeroed when taken, and a
/// `fork` invalidates every pool (the child would otherwise replay the parent's reserve). Key material
/// never comes from here: `SecureRandom` calls `RAND_bytes` directly.
struct NoncePool: ~Copyable {
    static let capacity = 4080  // 340 nonces
    private let buffer: UnsafeMutableRawBufferPointer
    private var next: Int
    private var generation: UInt64

    init() {
        buffer = .allocate(byteCount: Self.capacity, alignment: 16)
        buffer.initializeMemory(as: UInt8.self, repeating: 0)
        next = Self.capacity  // empty: the first take refills
        generation = forkGeneration.load(ordering: .acquiring)
        _ = atForkRegistered
    }

    deinit {
        buffer.deallocate()
    }

    /// Writes a fresh 12-byte nonce into `nonce`.
    mutating func take(into nonce: UnsafeMutableRawBufferPointer) throws(CryptoError) {
        let count = nonce.count
        let current = forkGeneration.load(ordering: .acquiring)
        if next + count > Self.capacity || current != generation {
            try SecureRandom.fill(buffer)
            next = 0
            generation = current
        }
        let slice = UnsafeMutableRawBufferPointer(rebasing: buffer[next..<next + count])
        nonce.copyMemory(from: UnsafeRawBufferPointer(slice))
        slice.initializeMemory(as: UInt8.self, repeating: 0)
        next += count
    }
}

/// Bumped in the child after every `fork`, so pools filled before it are refilled, never replayed.
private let forkGeneration = Atomic<UInt64>(0)

/// Registers the fork handler once (Swift globals initialise exactly once, thread-safely).
private let atForkRegistered: Bool = {
    pthread_atfork(nil, nil) { forkGeneration.add(1, ordering: .releasing) } == 0
}()
