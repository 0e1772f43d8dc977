/// A strict RFC 8259 parser over UTF-8 bytes, producing `JSONValue`.
///
/// Strict means: one value with optional surrounding whitespace and nothing else, UTF-8 validated,
/// no duplicate object keys, no NaN/Infinity, nesting bounded by `JSONValue.maximumDepth` so
/// recursion is bounded whatever the input. Every failure is a `JSONError` with a byte offset.
struct JSONParser {
    let bytes: UnsafeRawBufferPointer
    var offset = 0
    /// The top-level member whose value's byte range is wanted, and where it was found.
    private let capturedName: String?
    private(set) var capturedRange: Range<Int>?

    init(_ bytes: UnsafeRawBufferPointer, capturing name: String? = nil) {
        self.bytes = bytes
        self.capturedName = name
    }

    /// Parses the whole input as one JSON value.
    mutating func parseDocument() throws(JSONError) -> JSONValue {
        skipWhitespace()
        let value = try parseValue(depth: 0)
        skipWhitespace()
        guard offset == bytes.count else { throw JSONError(.trailingData, at: offset) }
        return value
    }

    mutating func skipWhitespace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case 0x20, 0x09, 0x0A, 0x0D: offset += 1
            default: return
            }
        }
    }

    @inline(__always)
    func peek() throws(JSONError) -> UInt8 {
        guard offset < bytes.count else { throw JSONError(.unexpectedEnd, at: offset) }
        return bytes[offset]
    }

    private mutating func parseValue(depth: Int) throws(JSONError) -> JSONValue {
        switch try peek() {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw JSONError(.unexpectedByte, at: offset)
        }
    }

    mutating func expectLiteral(_ literal: StaticString) throws(JSONError) {
        let expected = UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        for byte in expected {
            guard offset < bytes.count else { throw JSONError(.unexpectedEnd, at: offset) }
            guard bytes[offset] == byte else { throw JSONError(.unexpectedByte, at: offset) }
            offset += 1
        }
    }

    private mutating func parseArray(depth: Int) throws(JSONError) -> JSONValue {
        guard depth <= JSONValue.maximumDepth else { throw JSONError(.tooDeep, at: offset) }
        offset += 1  // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if try peek() == UInt8(ascii: "]") {
            offset += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            switch try peek() {
            case UInt8(ascii: ","): offset += 1
            case UInt8(ascii: "]"):
                offset += 1
                return .array(elements)
            default: throw JSONError(.unexpectedByte, at: offset)
            }
        }
    }

    private mutating func parseObject(depth: Int) throws(JSONError) -> JSONValue {
        guard depth <= JSONValue.maximumDepth else { throw JSONError(.tooDeep, at: offset) }
        offset += 1  // {
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if try peek() == UInt8(ascii: "}") {
            offset += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard try peek() == UInt8(ascii: "\"") else { throw JSONError(.unexpectedByte, at: offset) }
            let keyOffset = offset
            let key = try parseString()
            skipWhitespace()
            guard try peek() == UInt8(ascii: ":") else { throw JSONError(.unexpectedByte, at: offset) }
            offset += 1
            skipWhitespace()
            let valueStart = offset
            let value = try parseValue(depth: depth)
            guard members.updateValue(value, forKey: key) == nil else {
                throw JSONError(.duplicateKey, at: keyOffset)
            }
            if depth == 1, let capturedName, key == capturedName {
                capturedRange = valueStart..<offset
            }
            skipWhitespace()
            switch try peek() {
            case UInt8(ascii: ","): offset += 1
            case UInt8(ascii: "}"):
                offset += 1
                return .object(members)
            default: throw JSONError(.unexpectedByte, at: offset)
            }
        }
    }
}
