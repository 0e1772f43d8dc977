import ActionGateCore
import NIOCore

/// The client side of one upstream exchange: receives the pool's answer and the response parts.
///
/// Implemented by `ClientConnectionHandler`. Every call happens on the EventLoop both channels
/// share.
protocol UpstreamExchange: AnyObject {
    /// The pool has a connection for this request.
    func upstreamConnectionReady(_ connection: UpstreamConnection)
    /// The pool could not provide a connection, or the exchange failed.
    func upstreamFailed(_ failure: UpstreamFailure)
    func upstreamResponseHead(_ head: ResponseHead)
    func upstreamResponseBody(_ part: ByteBuffer)
    func upstreamResponseEnd()
    /// The upstream read batch ended: the moment to flush what was relayed.
    func upstreamReadComplete()
    /// The upstream socket's send buffer crossed a watermark (request-body back-pressure).
    func upstreamWritabilityChanged(isWritable: Bool)
}
