/// Validation without building: the same grammar and limits as parsing, but no `JSONValue`.
///
/// Why: a token's `data` member can be kilobytes that most openers forward as bytes (`rawData`) and never
/// look at; building a `JSONValue` for it (a `String` per string, a dictionary per object) costs more than
/// the decryption. Each skip method mirrors its parsing twin line for line, sharing the byte-level rules
/// (`skipCharacter`, `decodeEscape`, `parseNumber`), so it refuses exactly the same inputs with the same
/// `JSONError` (reason and offset). Object keys are still decoded, because duplicate detection must use
/// `String` equality as the parser's dictionary does.
extension JSONParser {
    /// Up to this many keys an object's duplicate check scans a list; beyond, it uses a `Set`.
    static let linearKeyLimit = 16

    /// Validates the whole input as one JSON value.
    mutating func skipDocument() throws(JSONError) {
        skipWhitespace()
        try skipValue(depth: 0)
        skipWhitespace()
        guard offset == bytes.count else { throw JSONError(.trailingData, at: offset) }
    }

    /// Validates one value at `offset` (nested `depth` containers deep), leaving `offset` after it.
    mutating func skipValue(depth: Int) throws(JSONError) {
        switch try peek() {
        case UInt8(ascii: "{"): try skipObject(depth: depth + 1)
        case UInt8(ascii: "["): try skipArray(depth: depth + 1)
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "t"): try expectLiteral("true")
        case UInt8(ascii: "f"): try expectLiteral("false")
        case UInt8(ascii: "n"): try expectLiteral("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try parseNumber()
        default: throw JSONError(.unexpectedByte, at: offset)
        }
    }

    /// Validates a string starting at the opening quote; leaves `offset` after the closing quote.
    mutating func skipString() throws(JSONError) {
        offset += 1  // opening quote
        while true {
            offset = ByteScanning.firstSpecial(in: bytes, from: offset, asciiOnly: true)
            guard offset < bytes.count else { throw JSONError(.unexpectedEnd, at: offset) }
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\"") {
                offset += 1
                return
            }
            if byte == UInt8(ascii: "\\") {
                _ = try decodeEscape()
            } else {
                try skipCharacter(byte)
            }
        }
    }

    private mutating func skipArray(depth: Int) throws(JSONError) {
        guard depth <= JSONValue.maximumDepth else { throw JSONError(.tooDeep, at: offset) }
        offset += 1  // [
        skipWhitespace()
        if try peek() == UInt8(ascii: "]") {
            offset += 1
            return
        }
        while true {
            skipWhitespace()
            try skipValue(depth: depth)
            skipWhitespace()
            switch try peek() {
            case UInt8(ascii: ","): offset += 1
            case UInt8(ascii: "]"):
                offset += 1
                return
            default: throw JSONError(.unexpectedByte, at: offset)
            }
        }
    }

    private mutating func skipObject(depth: Int) throws(JSONError) {
        guard depth <= JSONValue.maximumDepth else { throw JSONError(.tooDeep, at: offset) }
        offset += 1  // {
        skipWhitespace()
        if try peek() == UInt8(ascii: "}") {
            offset += 1
            return
        }
        // Duplicate keys: a short list scanned in order (one allocation for the usual few keys; a
        // `Set` grows several times), switching to a `Set` past `linearKeyLimit` keys.
        var keys: [String] = []
        keys.reserveCapacity(8)
        var keySet: Set<String>?
        while true {
            skipWhitespace()
            guard try peek() == UInt8(ascii: "\"") else { throw JSONError(.unexpectedByte, at: offset) }
            let keyOffset = offset
            let key = try parseString()
            skipWhitespace()
            guard try peek() == UInt8(ascii: ":") else { throw JSONError(.unexpectedByte, at: offset) }
            offset += 1
            skipWhitespace()
            try skipValue(depth: depth)
            // After the value, as the parser's `updateValue` is: an error inside the value wins.
            if let inserted = keySet?.insert(key).inserted {
                guard inserted else { throw JSONError(.duplicateKey, at: keyOffset) }
            } else {
                guard !keys.contains(key) else { throw JSONError(.duplicateKey, at: keyOffset) }
                keys.append(key)
                if keys.count > Self.linearKeyLimit { keySet = Set(keys) }
            }
            skipWhitespace()
            switch try peek() {
            case UInt8(ascii: ","): offset += 1
            case UInt8(ascii: "}"):
                offset += 1
                return
            default: throw JSONError(.unexpectedByte, at: offset)
            }
        }
    }
}
