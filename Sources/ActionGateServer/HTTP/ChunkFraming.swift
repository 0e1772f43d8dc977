import NIOCore

/// The chunked framing (RFC 9112 §7.1) the gateway writes itself — towards the client for a response
/// of unknown length, towards the upstream for a streamed request body of unknown length: each part
/// one chunk, then the last chunk; no extensions, no trailers.
enum ChunkFraming {
    /// The last chunk and the empty trailer section.
    static let lastChunk = ByteBuffer(string: "0\r\n\r\n")
    private static let crlf = ByteBuffer(string: "\r\n")

    /// Hands `write` the three buffers of `part` as one chunk: its size line, the bytes, CRLF.
    /// `part` must not be empty (an empty chunk is the last chunk).
    static func writeChunk(_ part: ByteBuffer, allocator: ByteBufferAllocator, _ write: (ByteBuffer) -> Void) {
        var sizeLine = allocator.buffer(capacity: 18)
        sizeLine.writeString(String(part.readableBytes, radix: 16))
        sizeLine.writeStaticString("\r\n")
        write(sizeLine)
        write(part)
        write(crlf)
    }
}
