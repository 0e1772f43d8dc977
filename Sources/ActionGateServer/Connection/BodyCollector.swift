import NIOCore

/// Accumulates a request body for the Gate, within the Gate's limit and the global buffer cap.
///
/// The buffer exists only while a `needBody` request is being read: idle connections hold none.
/// Every byte is reserved in `GatewayCounters` before it is kept, and released by `release()`.
struct BodyCollector {
    enum Failure: Error, Equatable {
        /// The body crossed the Gate's limit: 413 `body_too_large`.
        case tooLarge
        /// Keeping the bytes would cross the global buffered-body cap: 503 `overloaded`.
        case overloaded
    }

    let limit: Int
    private(set) var bytes: [UInt8] = []
    private var reserved = 0
    private let counters: GatewayCounters

    /// Starts a collector; `expectedLength` (a declared Content-Length) sizes the first allocation,
    /// but never beyond 64 KiB: a declared length is a claim, and memory follows bytes received.
    init(limit: Int, expectedLength: Int?, counters: GatewayCounters) {
        self.limit = limit
        self.counters = counters
        counters.bodyBufferAllocated()
        bytes.reserveCapacity(min(expectedLength ?? 4096, limit, 64 * 1024))
    }

    /// Appends one body part.
    mutating func append(_ part: ByteBuffer) -> Failure? {
        let count = part.readableBytes
        guard count <= limit - bytes.count else { return .tooLarge }
        guard counters.reserveBodyBytes(count) else { return .overloaded }
        reserved += count
        part.withUnsafeReadableBytes { bytes.append(contentsOf: $0) }
        return nil
    }

    /// Hands over the bytes collected so far; the reservation stays until `release()`.
    mutating func take() -> [UInt8] {
        defer { bytes = [] }
        return bytes
    }

    /// Returns every reserved byte to the global budget and frees the buffer. Call exactly once.
    mutating func release() {
        counters.releaseBodyBytes(reserved)
        counters.bodyBufferReleased()
        reserved = 0
        bytes = []
    }
}
