/// An HTTP/1.1 message decoder that works in place (`RequestDecoder`, `ResponseDecoder`): the data
/// plane calls `decode` with the bytes it read — those not consumed by an earlier call first — until
/// it returns no event, and relays body ranges as slices of its read buffer.
public protocol MessageDecoder {
    associatedtype Head: Equatable & Sendable
    associatedtype Failure: Error & Equatable

    /// Decodes from the start of `bytes`: how many bytes were used and what they held; a `nil` event
    /// means more bytes are needed (present the bytes not consumed again, with what follows).
    mutating func decode(_ bytes: UnsafeBufferPointer<UInt8>) throws(Failure) -> (
        consumed: Int, event: MessageEvent<Head>?
    )
}
