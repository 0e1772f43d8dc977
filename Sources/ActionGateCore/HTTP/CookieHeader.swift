/// The cookies of a request's `Cookie` header line(s), parsed leniently but safely
/// (RFC 6265 §5.4 as browsers send it, §4.2.1 grammar as a guide).
///
/// Pairs are separated by `;`; surrounding SP/HTAB is trimmed. A pair without `=`, with an empty
/// name, or with a control byte is skipped: junk never crashes and never matches a name. Values are
/// kept exactly as sent, double quotes included, so a forwarded cookie means to the upstream what
/// it meant to the client (the gateway's own cookie is never quoted). At most `maxPairs` pairs are
/// read; the rest are ignored and `isTruncated` is set.
///
/// Names are case-sensitive. Several `Cookie` lines (HTTP/2 style, or a broken client) are read as
/// one list, in order.
public struct CookieHeader: Sendable, Equatable {
    /// One `name=value` pair, as parsed: both trimmed of SP/HTAB, otherwise raw.
    public struct Pair: Sendable, Equatable {
        /// The cookie name (case-sensitive).
        public var name: String
        /// The value exactly as sent (quotes included).
        public var value: String

        /// A pair.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// What a lookup by name found.
    public enum Lookup: Sendable, Equatable {
        /// No pair has the name.
        case absent
        /// Exactly one pair has the name; its value.
        case found(String)
        /// Two or more pairs have the name. For the session cookie, the caller treats this as no
        /// session: which one a server picks differs between frameworks.
        case duplicated
    }

    /// The default bound on pairs read.
    public static let defaultMaxPairs = 1000

    /// The well-formed pairs, in order.
    public let pairs: [Pair]
    /// True when pairs beyond the bound were ignored.
    public let isTruncated: Bool

    /// Parses every value of the request's `Cookie` header (give `headers.values("Cookie")`).
    public init(_ values: some Sequence<String>, maxPairs: Int = CookieHeader.defaultMaxPairs) {
        var pairs: [Pair] = []
        // Room for a typical request's cookies at once, instead of growing through 1, 2, 4, 8.
        pairs.reserveCapacity(Swift.max(0, Swift.min(maxPairs, 8)))
        var truncated = false
        outer: for value in values {
            let complete = value.withUTF8Buffer { bytes in
                CookieHeader.scan(bytes) { name, value in
                    guard pairs.count < maxPairs else { return false }
                    pairs.append(Pair(name: bytes.string(name), value: bytes.string(value)))
                    return true
                }
            }
            if !complete {
                truncated = true
                break outer
            }
        }
        self.pairs = pairs
        self.isTruncated = truncated
    }

    /// Finds the cookie named exactly `name` (case-sensitive).
    public func lookup(_ name: String) -> Lookup {
        var found: String?
        // By bytes: `String` equality is canonical equivalence, under which a name spelled with
        // U+212A KELVIN SIGN equals one with `K`; a browser keeps those as two different cookies.
        for pair in pairs where pair.name.hasSameBytes(as: name) {
            if found != nil { return .duplicated }
            found = pair.value
        }
        return found.map { .found($0) } ?? .absent
    }

    /// The `Cookie` header to forward upstream: every well-formed pair except those named `name`,
    /// joined with `; `. `nil` when nothing is left, so the caller drops the header.
    ///
    /// Junk pairs are not forwarded: the upstream sees only what the gateway understood.
    public func serialized(removing name: String) -> String? {
        var capacity = 0
        for pair in pairs { capacity &+= pair.name.utf8.count &+ pair.value.utf8.count &+ 3 }
        var result = ""
        result.reserveCapacity(capacity)
        for pair in pairs where !pair.name.hasSameBytes(as: name) {
            if !result.isEmpty { result += "; " }
            result += pair.name
            result += "="
            result += pair.value
        }
        return result.isEmpty ? nil : result
    }

    /// Calls `body` with the name and value ranges of each well-formed pair; stops when `body`
    /// returns false and then returns false itself.
    private static func scan(
        _ bytes: UnsafeBufferPointer<UInt8>,
        _ body: (Range<Int>, Range<Int>) -> Bool
    ) -> Bool {
        var start = 0
        while start <= bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != ASCII.semicolon { end &+= 1 }
            if let (name, value) = pair(bytes, ASCII.trimmedOWS(bytes, start..<end)) {
                if !body(name, value) { return false }
            }
            start = end &+ 1
        }
        return true
    }

    private static func pair(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> (Range<Int>, Range<Int>)? {
        var equals: Int?
        for index in range {
            let byte = bytes[index]
            if ASCII.isControl(byte) && byte != ASCII.tab { return nil }
            if byte == ASCII.equals && equals == nil { equals = index }
        }
        guard let equals else { return nil }
        let name = ASCII.trimmedOWS(bytes, range.lowerBound..<equals)
        guard !name.isEmpty else { return nil }
        return (name, ASCII.trimmedOWS(bytes, (equals &+ 1)..<range.upperBound))
    }
}
