import NIOCore

/// One buffer an EventLoop reuses from one written message to the next (the heads it writes).
///
/// `take` hands out the buffer kept by the last `keep`, emptied, when the channel that wrote it has
/// let it go — the write completed, which is nearly always so by the next request — and new memory
/// otherwise: `ByteBuffer`'s copy-on-write decides, so bytes still queued for a socket are never
/// overwritten. That saves an allocation and a free per message, and the memory stays warm in the
/// loop's cache. A buffer larger than `maximumCapacity` (a big buffered body after the head) is not
/// kept, so no large block stays resident between requests.
struct ReusableBuffer {
    /// The largest capacity `keep` holds on to.
    static let maximumCapacity = 16 * 1024

    private var kept: ByteBuffer?

    /// An empty buffer with room for at least `minimumCapacity` bytes.
    mutating func take(minimumCapacity: Int) -> ByteBuffer {
        guard var buffer = kept.take() else { return ByteBufferAllocator().buffer(capacity: minimumCapacity) }
        buffer.clear(minimumCapacity: minimumCapacity)
        return buffer
    }

    /// Keeps a reference to `buffer` (about to be written) for the next `take`.
    mutating func keep(_ buffer: ByteBuffer) {
        kept = buffer.capacity <= Self.maximumCapacity ? buffer : nil
    }
}
