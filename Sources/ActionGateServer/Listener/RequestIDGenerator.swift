/// Makes request ids: a random per-EventLoop prefix plus a counter, 15 URL-safe characters.
///
/// Fifteen ASCII bytes fit Swift's inline small-string storage, so an id costs no allocation. The
/// prefix (48 random bits) keeps ids unique across EventLoops, processes and restarts; the counter
/// (42 bits) wraps after 4·10¹² requests on one EventLoop.
struct RequestIDGenerator {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    private static let counterDigits = 7
    private var bytes: [UInt8]
    private var counter: UInt64 = 0

    init() {
        var generator = SystemRandomNumberGenerator()
        let prefix = (0..<8).map { _ in Self.alphabet[Int(generator.next() & 63)] }
        bytes = prefix + Array(repeating: Self.alphabet[0], count: Self.counterDigits)
    }

    /// The next id.
    mutating func next() -> String {
        counter = (counter &+ 1) & ((1 << 42) - 1)
        var value = counter
        var index = bytes.count - 1
        for _ in 0..<Self.counterDigits {
            bytes[index] = Self.alphabet[Int(value & 63)]
            value >>= 6
            index -= 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
