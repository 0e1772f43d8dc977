/// Byte classes shared by the HTTP parsers (RFC 9110, RFC 3986), on raw UTF-8 bytes.
///
/// Every parser here works on bytes, never on `Character`s: grapheme breaking is slow and would let
/// combining marks hide a delimiter from one parser and not another.
enum ASCII {
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let quote: UInt8 = 0x22
    static let percent: UInt8 = 0x25
    static let ampersand: UInt8 = 0x26
    static let plus: UInt8 = 0x2B
    static let comma: UInt8 = 0x2C
    static let hyphen: UInt8 = 0x2D
    static let dot: UInt8 = 0x2E
    static let slash: UInt8 = 0x2F
    static let colon: UInt8 = 0x3A
    static let semicolon: UInt8 = 0x3B
    static let equals: UInt8 = 0x3D
    static let question: UInt8 = 0x3F
    static let backslash: UInt8 = 0x5C
    static let underscore: UInt8 = 0x5F
    static let hash: UInt8 = 0x23

    /// The value of a hex digit (either case), or nil.
    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte &- 0x30
        case 0x41...0x46: byte &- 0x37
        case 0x61...0x66: byte &- 0x57
        default: nil
        }
    }

    /// The uppercase hex digit for a nibble (0–15).
    @inline(__always)
    static func upperHex(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? 0x30 &+ nibble : 0x37 &+ (nibble & 0x0F)
    }

    @inline(__always)
    static func isLowerHex(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66)
    }

    @inline(__always)
    static func isAlpha(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool {
        byte >= 0x30 && byte <= 0x39
    }

    /// RFC 3986 `unreserved`: ALPHA / DIGIT / "-" / "." / "_" / "~".
    @inline(__always)
    static func isUnreserved(_ byte: UInt8) -> Bool {
        isAlpha(byte) || isDigit(byte) || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x7E
    }

    /// RFC 9110 `tchar`, the bytes of a token (header names, media types, parameter names).
    @inline(__always)
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        case 0x21, 0x23, 0x24, 0x25, 0x26, 0x27, 0x2A, 0x2B, 0x2D, 0x2E, 0x5E, 0x5F, 0x60, 0x7C, 0x7E: true
        default: false
        }
    }

    /// C0 controls and DEL.
    @inline(__always)
    static func isControl(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == 0x7F
    }

    /// Optional whitespace (SP / HTAB).
    @inline(__always)
    static func isOWS(_ byte: UInt8) -> Bool {
        byte == space || byte == tab
    }

    /// True when `bytes` equals `lowercaseLiteral` ASCII case-insensitively.
    ///
    /// `lowercaseLiteral` must already be lowercase.
    @inline(__always)
    static func equalsLowercase(_ bytes: UnsafeBufferPointer<UInt8>, _ lowercaseLiteral: [UInt8]) -> Bool {
        lowercaseLiteral.withUnsafeBufferPointer { equalsLowercase(bytes, $0) }
    }

    /// True when `bytes`, ASCII-lowercased, equals `lowercase` (which must already be lower case).
    @inline(__always)
    static func equalsLowercase(_ bytes: UnsafeBufferPointer<UInt8>, _ lowercase: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count == lowercase.count else { return false }
        for index in 0..<bytes.count where UInt8.asciiLowercased(bytes[index]) != lowercase[index] {
            return false
        }
        return true
    }

    /// True when `bytes` begins with `lowercasePrefix`, ASCII case-insensitively.
    @inline(__always)
    static func hasLowercasePrefix(_ bytes: UnsafeBufferPointer<UInt8>, _ lowercasePrefix: [UInt8]) -> Bool {
        guard bytes.count >= lowercasePrefix.count else { return false }
        for index in 0..<lowercasePrefix.count where UInt8.asciiLowercased(bytes[index]) != lowercasePrefix[index] {
            return false
        }
        return true
    }

    /// True when `bytes` begins with `prefix`, byte for byte (case-sensitive).
    @inline(__always)
    static func hasPrefix(_ bytes: UnsafeBufferPointer<UInt8>, _ prefix: [UInt8]) -> Bool {
        guard bytes.count >= prefix.count else { return false }
        for index in 0..<prefix.count where bytes[index] != prefix[index] {
            return false
        }
        return true
    }

    /// True when every byte of `bytes` is below 0x80, eight bytes at a time.
    @inline(__always)
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        let count = bytes.count
        var index = 0
        var high: UInt64 = 0
        while index &+ 8 <= count {
            high |= raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            index &+= 8
        }
        while index < count {
            high |= UInt64(base[index])
            index &+= 1
        }
        return high & 0x8080_8080_8080_8080 == 0
    }

    /// The range of `bytes` without leading and trailing SP / HTAB.
    @inline(__always)
    static func trimmedOWS(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper && isOWS(bytes[lower]) { lower &+= 1 }
        while upper > lower && isOWS(bytes[upper &- 1]) { upper &-= 1 }
        return lower..<upper
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// A `String` of the bytes in `range`, with ill-formed UTF-8 repaired (U+FFFD), as WHATWG decoders do.
    @inline(__always)
    func string(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: self[range]), as: UTF8.self)
    }

    /// A `String` of the bytes in `range`, or nil when they are not well-formed UTF-8: for values
    /// that are forwarded, which a repair (U+FFFD) would change on the way.
    ///
    /// ASCII, nearly every header value, is UTF-8 as it stands and is decoded directly: the standard
    /// library's validating initialiser is generic and looked its metadata up on every call (about
    /// 3 % of the full action path's CPU with two decoders calling it per field).
    @inline(__always)
    func validString(_ range: Range<Int>) -> String? {
        let bytes = UnsafeBufferPointer(rebasing: self[range])
        if ASCII.isASCII(bytes) { return String(decoding: bytes, as: UTF8.self) }
        return String(validating: bytes, as: UTF8.self)
    }

    /// A `String` holding each byte in `range` as the scalar of the same number (ISO-8859-1).
    func latin1String(_ range: Range<Int>) -> String {
        var scalars = String.UnicodeScalarView()
        for byte in self[range] { scalars.append(Unicode.Scalar(byte)) }
        return String(scalars)
    }

    /// The bytes in `range`, rebased so that indices start at zero.
    @inline(__always)
    func slice(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: self[range])
    }
}

extension String {
    /// True when the two strings are the same bytes. `==` is Unicode canonical equivalence, under
    /// which a name spelled with U+212A KELVIN SIGN equals one with `K`: wherever a look-alike must
    /// not pass for the original (cookie names, subjects, claims), compare with this.
    @inline(__always)
    func hasSameBytes(as other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        return withUTF8Buffer { a in
            other.withUTF8Buffer { b in
                for index in 0..<a.count where a[index] != b[index] { return false }
                return true
            }
        }
    }

    /// True when every byte of the string is ASCII.
    @inline(__always)
    var isASCII: Bool { withUTF8Buffer { ASCII.isASCII($0) } }

    /// Calls `body` with the string's UTF-8 bytes, without copying native Swift strings.
    @inline(__always)
    func withUTF8Buffer<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let result = utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = self
        return copy.withUTF8(body)
    }
}
