/// What an in-place HTTP/1.1 message decoder finds in the bytes it is given.
public enum MessageEvent<Head> {
    /// A message head.
    case head(Head)
    /// Body bytes: this range of the input given to `decode`.
    case body(Range<Int>)
    /// The message (head and body) is complete.
    case end
}

extension MessageEvent: Equatable where Head: Equatable {}
extension MessageEvent: Sendable where Head: Sendable {}
