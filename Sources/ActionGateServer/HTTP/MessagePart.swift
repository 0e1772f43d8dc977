import ActionGateCore
import NIOCore

/// One piece of an HTTP message as the data plane relays it: the head, body bytes (a slice of the
/// buffer they were read into, not a copy), the end.
enum MessagePart<Head> {
    case head(Head)
    case body(ByteBuffer)
    case end
}

extension ByteBuffer {
    /// Decodes the next piece of a message from the readable bytes with `decoder` and moves past the
    /// bytes it used; `nil` when more bytes are needed (the rest stays readable, to be decoded again
    /// with the next read in front of it).
    mutating func readMessagePart<Decoder: MessageDecoder>(
        with decoder: inout Decoder
    ) throws(Decoder.Failure) -> MessagePart<Decoder.Head>? {
        let step = withUnsafeReadableBytes { raw in
            Result { () throws(Decoder.Failure) in try decoder.decode(raw.assumingMemoryBound(to: UInt8.self)) }
        }
        let (consumed, event) = try step.get()
        let part: MessagePart<Decoder.Head>?
        switch event {
        case nil:
            part = nil
        case .head(let head):
            part = .head(head)
        case .body(let range):
            // The decoder's ranges lie inside the bytes it was given, so the slice always exists.
            part = .body(getSlice(at: readerIndex &+ range.lowerBound, length: range.count) ?? ByteBuffer())
        case .end:
            part = .end
        }
        moveReaderIndex(forwardBy: consumed)
        return part
    }

    /// Puts `pending` — bytes an earlier read left undecoded — in front of these, and clears it.
    mutating func prepend(_ pending: inout ByteBuffer?) {
        guard var earlier = pending else { return }
        pending = nil
        earlier.writeBuffer(&self)
        self = earlier
    }
}
