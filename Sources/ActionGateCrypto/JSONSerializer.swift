/// Compact, deterministic JSON output: sorted keys, minimal escaping, integers without a fraction.
///
/// The same value always gives the same bytes (keys sorted by their UTF-8 bytes), so serialised
/// values can be compared and sealed reproducibly. Non-finite numbers, which JSON cannot express,
/// are written as `null` (as JavaScript's `JSON.stringify` does).
enum JSONSerializer {
    /// Integral values below 2^53 in magnitude are written as integers (1700000000, not 1.7e9).
    static let exactIntegerLimit = 9_007_199_254_740_992.0

    static func append(_ value: JSONValue, to output: inout [UInt8]) {
        switch value {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let flag): output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let number): appendNumber(number, to: &output)
        case .string(let text): appendString(text, to: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                append(element, to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            let keys = members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (index, key) in keys.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                appendString(key, to: &output)
                output.append(UInt8(ascii: ":"))
                if let member = members[key] { append(member, to: &output) }
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    static func appendNumber(_ number: Double, to output: inout [UInt8]) {
        guard number.isFinite else {
            output.append(contentsOf: "null".utf8)
            return
        }
        if number == number.rounded(.towardZero), abs(number) < exactIntegerLimit {
            appendInteger(Int64(number), to: &output)
        } else {
            // Swift prints the shortest text that reads back to the same Double, always JSON-valid
            // for finite values ("1.5", "1e-07", "1e+300").
            output.append(contentsOf: number.description.utf8)
        }
    }

    static func appendInteger(_ value: Int64, to output: inout [UInt8]) {
        var text: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for a sign and 19 digits
        withUnsafeMutableBytes(of: &text) { buffer in
            let start = writeInteger(value, endingAt: buffer.count, in: buffer)
            output.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[start...]))
        }
    }

    /// The decimal text of `value`, right-aligned so it ends at `end` in `buffer` (which needs 20 bytes
    /// before `end`); returns where it starts. Two digits per step from a pair table: a 10-digit
    /// timestamp is 5 divisions, not 10.
    static func writeInteger(_ value: Int64, endingAt end: Int, in buffer: UnsafeMutableRawBufferPointer) -> Int {
        let pairs = UnsafeRawPointer(digitPairs.utf8Start)
        var index = end
        var magnitude = value.magnitude
        while magnitude >= 100 {
            let (quotient, remainder) = magnitude.quotientAndRemainder(dividingBy: 100)
            index &-= 2
            buffer.storeBytes(
                of: pairs.loadUnaligned(fromByteOffset: Int(remainder) &* 2, as: UInt16.self), toByteOffset: index,
                as: UInt16.self)
            magnitude = quotient
        }
        if magnitude >= 10 {
            index &-= 2
            buffer.storeBytes(
                of: pairs.loadUnaligned(fromByteOffset: Int(magnitude) &* 2, as: UInt16.self), toByteOffset: index,
                as: UInt16.self)
        } else {
            index &-= 1
            buffer[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude)
        }
        if value < 0 {
            index &-= 1
            buffer[index] = UInt8(ascii: "-")
        }
        return index
    }

    /// "00" through "99", two bytes per entry.
    private static var digitPairs: StaticString {
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"
    }

    static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") &+ nibble : UInt8(ascii: "a") &+ nibble &- 10
    }

    static func appendString(_ text: String, to output: inout [UInt8]) {
        var text = text
        text.withUTF8 { utf8 in appendString(UnsafeRawBufferPointer(utf8), to: &output) }
    }

    /// Appends `bytes` (valid UTF-8) as a JSON string: plain runs are copied in bulk, and only `"`, `\`
    /// and control characters are escaped (the same set as JavaScript's `JSON.stringify`).
    static func appendString(_ bytes: UnsafeRawBufferPointer, to output: inout [UInt8]) {
        output.reserveCapacity(output.count + bytes.count + 2)
        output.append(UInt8(ascii: "\""))
        var runStart = 0
        while runStart < bytes.count {
            let special = ByteScanning.firstSpecial(in: bytes, from: runStart, asciiOnly: false)
            output.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[runStart..<special]))
            guard special < bytes.count else { break }
            appendEscape(bytes[special], to: &output)
            runStart = special + 1
        }
        output.append(UInt8(ascii: "\""))
    }

    private static func appendEscape(_ byte: UInt8, to output: inout [UInt8]) {
        output.append(0x5C)
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): output.append(byte)
        case 0x0A: output.append(UInt8(ascii: "n"))
        case 0x0D: output.append(UInt8(ascii: "r"))
        case 0x09: output.append(UInt8(ascii: "t"))
        case 0x08: output.append(UInt8(ascii: "b"))
        case 0x0C: output.append(UInt8(ascii: "f"))
        default:
            output.append(UInt8(ascii: "u"))
            output.append(0x30)
            output.append(0x30)
            output.append(hexDigit(byte >> 4))
            output.append(hexDigit(byte & 15))
        }
    }
}

extension JSONValue {
    /// Compact JSON bytes with keys sorted (see `JSONSerializer` rules); parses back to an equal value.
    public func serialized() -> [UInt8] {
        var output: [UInt8] = []
        JSONSerializer.append(self, to: &output)
        return output
    }

    /// Compact JSON text with keys sorted; the same bytes as `serialized() -> [UInt8]`.
    @_disfavoredOverload
    public func serialized() -> String {
        String(decoding: serialized() as [UInt8], as: UTF8.self)
    }

    /// A quick upper-bound guess of `serialized().count` (exact unless strings need escapes), used to
    /// reserve buffers once.
    public var estimatedSerializedCount: Int {
        switch self {
        case .null: 4
        case .bool: 5
        case .number: 24
        case .string(let text): text.utf8.count + 2
        case .array(let elements): elements.reduce(2) { $0 + $1.estimatedSerializedCount + 1 }
        case .object(let members): members.reduce(2) { $0 + $1.key.utf8.count + 4 + $1.value.estimatedSerializedCount }
        }
    }

    /// Appends compact JSON bytes to `output` (no intermediate array).
    public func serialize(into output: inout [UInt8]) {
        JSONSerializer.append(self, to: &output)
    }
}
