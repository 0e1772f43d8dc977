#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The members `SealedToken.open` reads from an authenticated plaintext, found in one strict pass.
///
/// The plaintext must be `{"iat": int, "exp": int, "data": any, ["auth_time": int]}`: other members are
/// ignored, duplicates refused, and the whole text must be strict JSON (the same rules as
/// `JSONValue(parsing:)`). Why not parse it into a `JSONValue`: `data` can be kilobytes that most openers
/// only forward as bytes, so it is validated in place (`JSONParser.skipValue`) and located, not built;
/// `OpenedToken.data` parses it only when asked. Plain ASCII member names are matched as bytes, without a
/// `String`; any other name is decoded and compared as a `String`, exactly as the parser's keys are.
struct TokenPayload {
    var iat: Int64
    var exp: Int64
    var authTime: Int64?
    /// Where the `data` value lies, in offsets from the start of the plaintext.
    var dataRange: Range<Int>

    /// The members whose values are read; everything else is `other`.
    private enum Member {
        case iat, exp, authTime, data
        case other(String)

        /// The member a key names, given its decoded text.
        init(_ key: String) {
            switch key {
            case "iat": self = .iat
            case "exp": self = .exp
            case "auth_time": self = .authTime
            case "data": self = .data
            default: self = .other(key)
            }
        }

        /// The member a key names, given its bytes (valid UTF-8, no escapes). For ASCII bytes `String`
        /// equality is byte equality, so comparing bytes decides the same as `init(String)`.
        init(rawKey key: UnsafeRawBufferPointer) {
            switch key.count {
            case 3 where Self.equals(key, "iat"): self = .iat
            case 3 where Self.equals(key, "exp"): self = .exp
            case 4 where Self.equals(key, "data"): self = .data
            case 9 where Self.equals(key, "auth_time"): self = .authTime
            default:
                // Not one of the four: `String` semantics decide from here (a non-ASCII name could still
                // be canonically equivalent to one of them).
                self.init(String(decoding: key, as: UTF8.self))
            }
        }

        /// Byte equality with a short ASCII name.
        @inline(__always)
        private static func equals(_ bytes: UnsafeRawBufferPointer, _ name: StaticString) -> Bool {
            guard bytes.count == name.utf8CodeUnitCount, let base = bytes.baseAddress else { return false }
            return memcmp(base, name.utf8Start, bytes.count) == 0
        }
    }

    /// The members as read, before the timestamp rules.
    private typealias Members = (iat: Double?, exp: Double?, authTime: Double?, dataRange: Range<Int>?)

    /// Reads the payload members from `plaintext`.
    ///
    /// - Throws: `.badPayload` when the plaintext is not strict JSON, not an object, lacks `data`, names a
    ///   member twice, or `iat`, `exp` or a present `auth_time` is not an integer within ±2^53.
    init(_ plaintext: UnsafeRawBufferPointer) throws(TokenError) {
        let members: Members
        if let sealed = Self.sealedLayout(plaintext) {
            members = sealed
        } else {
            members = try Self.anyLayout(plaintext)
        }
        guard let dataRange = members.dataRange, let iat = Self.timestamp(members.iat),
            let exp = Self.timestamp(members.exp)
        else { throw .badPayload }
        if members.authTime != nil {
            guard let time = Self.timestamp(members.authTime) else { throw .badPayload }
            self.authTime = time
        } else {
            self.authTime = nil
        }
        self.iat = iat
        self.exp = exp
        self.dataRange = dataRange
    }

    /// The exact layout `SealedToken.seal` writes, `{"iat":N,"exp":N[,"auth_time":N],"data":V}` without
    /// whitespace, read with literal matches instead of a member-by-member scan. Nil for anything else
    /// (including any error): the general scan then decides. When it matches, the general scan would
    /// read the same members (three or four distinct names, no others), so the verdict is the same.
    private static func sealedLayout(_ plaintext: UnsafeRawBufferPointer) -> Members? {
        var parser = JSONParser(plaintext)
        guard consume(#"{"iat":"#, &parser), let iat = try? number(&parser), consume(#","exp":"#, &parser),
            let exp = try? number(&parser)
        else { return nil }
        var authTime: Double?
        if consume(#","auth_time":"#, &parser) {
            guard let time = try? number(&parser) else { return nil }
            authTime = time
        }
        guard consume(#","data":"#, &parser) else { return nil }
        let start = parser.offset
        guard (try? parser.skipValue(depth: 1)) != nil else { return nil }
        let dataRange = start..<parser.offset
        guard consume("}", &parser), parser.offset == plaintext.count else { return nil }
        return (iat, exp, authTime, dataRange)
    }

    /// Advances over `literal` if the input continues with it.
    private static func consume(_ literal: StaticString, _ parser: inout JSONParser) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard parser.offset <= parser.bytes.count &- count, let base = parser.bytes.baseAddress,
            memcmp(base + parser.offset, literal.utf8Start, count) == 0
        else { return false }
        parser.offset &+= count
        return true
    }

    /// Any strict-JSON layout: members in any order, whitespace, escaped names, ignored members.
    private static func anyLayout(_ plaintext: UnsafeRawBufferPointer) throws(TokenError) -> Members {
        var iat: Double?
        var exp: Double?
        var authTime: Double?
        var dataRange: Range<Int>?
        do {
            var parser = JSONParser(plaintext)
            var others: Set<String> = []
            parser.skipWhitespace()
            guard try parser.peek() == UInt8(ascii: "{") else { throw TokenError.badPayload }
            parser.offset += 1
            parser.skipWhitespace()
            if try parser.peek() == UInt8(ascii: "}") {
                parser.offset += 1
            } else {
                members: while true {
                    parser.skipWhitespace()
                    guard try parser.peek() == UInt8(ascii: "\"") else { throw TokenError.badPayload }
                    let member = try Self.member(&parser)
                    parser.skipWhitespace()
                    guard try parser.peek() == UInt8(ascii: ":") else { throw TokenError.badPayload }
                    parser.offset += 1
                    parser.skipWhitespace()
                    let fresh: Bool
                    switch member {
                    case .iat:
                        fresh = iat == nil
                        iat = try Self.number(&parser)
                    case .exp:
                        fresh = exp == nil
                        exp = try Self.number(&parser)
                    case .authTime:
                        fresh = authTime == nil
                        authTime = try Self.number(&parser)
                    case .data:
                        fresh = dataRange == nil
                        let start = parser.offset
                        try parser.skipValue(depth: 1)
                        dataRange = start..<parser.offset
                    case .other(let key):
                        try parser.skipValue(depth: 1)
                        fresh = others.insert(key).inserted
                    }
                    guard fresh else { throw TokenError.badPayload }
                    parser.skipWhitespace()
                    switch try parser.peek() {
                    case UInt8(ascii: ","): parser.offset += 1
                    case UInt8(ascii: "}"):
                        parser.offset += 1
                        break members
                    default: throw TokenError.badPayload
                    }
                }
            }
            parser.skipWhitespace()
            guard parser.offset == plaintext.count else { throw TokenError.badPayload }
        } catch {
            throw .badPayload
        }
        return (iat, exp, authTime, dataRange)
    }

    /// Reads the member name at `parser.offset` (a quote), leaving the parser after it.
    private static func member(_ parser: inout JSONParser) throws(JSONError) -> Member {
        let start = parser.offset
        try parser.skipString()
        let key = UnsafeRawBufferPointer(rebasing: parser.bytes[start + 1..<parser.offset - 1])
        guard key.contains(UInt8(ascii: "\\")) else { return Member(rawKey: key) }
        // Escapes: decode the name as the parser would.
        parser.offset = start
        return Member(try parser.parseString())
    }

    /// Reads a member value that must be a number. Anything else makes the payload bad whatever
    /// follows, so it is refused at once rather than parsed.
    private static func number(_ parser: inout JSONParser) throws(TokenError) -> Double {
        switch try? parser.peek() {
        case UInt8(ascii: "-")?, (UInt8(ascii: "0")...UInt8(ascii: "9"))?:
            do { return try parser.parseNumber() } catch { throw .badPayload }
        default:
            throw .badPayload
        }
    }

    /// An integral number within ±2^53, as Int64; nil otherwise. (Within ±2^53 the conversion is exact,
    /// so a round trip tests integrality without a call to `trunc`.)
    private static func timestamp(_ number: Double?) -> Int64? {
        guard let number, number.magnitude <= Double(SealedToken.maximumTimestamp) else { return nil }
        let integer = Int64(number)
        return Double(integer) == number ? integer : nil
    }
}
