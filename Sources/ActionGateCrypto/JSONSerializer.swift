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
        if value < 0 { output.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits
        withUnsafeMutableBytes(of: &digits) { buffer in
            var index = buffer.count
            repeat {
                index -= 1
                buffer[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            output.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[index...]))
        }
    }

    static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") &+ nibble : UInt8(ascii: "a") &+ nibble &- 10
    }

    static func appendString(_ text: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): output.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: output.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: output.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: output.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x08: output.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C: output.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0x00..<0x20:
                output.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hexDigit(byte >> 4), hexDigit(byte & 15)])
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
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

    /// Appends compact JSON bytes to `output` (no intermediate array).
    public func serialize(into output: inout [UInt8]) {
        JSONSerializer.append(self, to: &output)
    }
}
