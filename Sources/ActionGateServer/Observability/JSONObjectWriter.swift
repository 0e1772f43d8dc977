/// Writes one flat JSON object into a byte buffer, without Foundation: the audit log builds a line
/// per request on the EventLoop, so this is on the hot path.
///
/// Every string goes through `appendEscaped`, which makes any input safe for a one-line JSON log:
/// quotes, backslashes and control characters (C0, DEL, C1, U+2028/U+2029) are escaped, invalid
/// UTF-8 becomes U+FFFD, and values longer than their limit are cut at a scalar boundary and end
/// with `…`. `appendLine` moves the caller's buffer in and out (no copy).
struct JSONObjectWriter {
    /// The JSON text so far.
    var bytes: [UInt8]
    private var hasMember = false

    /// Appends one object and a newline to `bytes`; `body` writes its members. The buffer is moved
    /// in and out, never copied.
    static func appendLine(to bytes: inout [UInt8], _ body: (inout JSONObjectWriter) -> Void) {
        var writer = JSONObjectWriter(bytes: [])
        swap(&writer.bytes, &bytes)
        writer.bytes.append(UInt8(ascii: "{"))
        body(&writer)
        writer.bytes.append(UInt8(ascii: "}"))
        writer.bytes.append(UInt8(ascii: "\n"))
        swap(&writer.bytes, &bytes)
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// `"key":"value"`, the value escaped and cut to `limit` Unicode scalars.
    mutating func string(_ key: StaticString, _ value: Substring, limit: Int) {
        member(key)
        var value = value
        bytes.append(UInt8(ascii: "\""))
        value.withUTF8 { Self.appendEscaped($0, limit: limit, into: &bytes) }
        bytes.append(UInt8(ascii: "\""))
    }

    /// `"key":"value"`, the value escaped and cut to `limit` Unicode scalars.
    mutating func string(_ key: StaticString, _ value: String, limit: Int) {
        member(key)
        var value = value
        bytes.append(UInt8(ascii: "\""))
        value.withUTF8 { Self.appendEscaped($0, limit: limit, into: &bytes) }
        bytes.append(UInt8(ascii: "\""))
    }

    /// `"key":"value"` for a value the gateway wrote itself (reason codes, labels): ASCII, no escaping.
    mutating func code(_ key: StaticString, _ value: StaticString) {
        member(key)
        bytes.append(UInt8(ascii: "\""))
        value.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
    }

    /// `"key":123`.
    mutating func integer(_ key: StaticString, _ value: Int) {
        member(key)
        Self.appendDecimal(value, into: &bytes)
    }

    /// `"key":12.345`: a duration in milliseconds with microsecond precision.
    mutating func milliseconds(_ key: StaticString, _ duration: Duration) {
        member(key)
        let micros = Self.microseconds(duration)
        Self.appendDecimal(micros / 1000, into: &bytes)
        bytes.append(UInt8(ascii: "."))
        let fraction = micros % 1000
        bytes.append(UInt8(ascii: "0") &+ UInt8(fraction / 100))
        bytes.append(UInt8(ascii: "0") &+ UInt8(fraction / 10 % 10))
        bytes.append(UInt8(ascii: "0") &+ UInt8(fraction % 10))
    }

    /// `"key":["a","b"]`, each element escaped and cut to `limit`.
    mutating func strings(_ key: StaticString, _ values: [String], limit: Int) {
        member(key)
        bytes.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            var value = value
            bytes.append(UInt8(ascii: "\""))
            value.withUTF8 { Self.appendEscaped($0, limit: limit, into: &bytes) }
            bytes.append(UInt8(ascii: "\""))
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// Starts a member whose value the caller appends to `bytes` (e.g. a timestamp).
    mutating func member(_ key: StaticString) {
        if hasMember { bytes.append(UInt8(ascii: ",")) }
        hasMember = true
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    /// A duration as whole microseconds, 0 for negative values, clamped instead of overflowing.
    static func microseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0, attoseconds >= 0 else { return 0 }
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000)
        guard !overflow else { return Int(Int64.max / 2) }
        return Int(scaled &+ attoseconds / 1_000_000_000_000)
    }

    /// Appends `value` in decimal.
    static func appendDecimal(_ value: Int, into bytes: inout [UInt8]) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64) = (0, 0)
        var count = 0
        // Collect digits least significant first into two words (20 digits at most), then emit.
        repeat {
            let digit = UInt64(magnitude % 10)
            if count < 16 {
                digits.0 |= digit << (4 * UInt64(count))
            } else {
                digits.1 |= digit << (4 * UInt64(count - 16))
            }
            magnitude /= 10
            count += 1
        } while magnitude > 0
        for index in stride(from: count - 1, through: 0, by: -1) {
            let digit =
                index < 16 ? (digits.0 >> (4 * UInt64(index))) & 15 : (digits.1 >> (4 * UInt64(index - 16))) & 15
            bytes.append(UInt8(ascii: "0") &+ UInt8(digit))
        }
    }
}
