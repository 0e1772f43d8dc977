import ActionGateCrypto

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A wall-clock instant written as RFC 3339 UTC with milliseconds (`2026-11-21T10:00:00.123Z`).
///
/// Formatting is integer arithmetic (no `DateFormatter`, no allocation): the audit log stamps every
/// request with it on the EventLoop.
struct LogTimestamp: Equatable {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    var unixMilliseconds: Int64

    /// The current wall-clock time.
    static func now() -> LogTimestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return LogTimestamp(unixMilliseconds: Int64(spec.tv_sec) &* 1000 &+ Int64(spec.tv_nsec) / 1_000_000)
    }

    /// Appends the timestamp as a JSON string (with quotes).
    func appendQuoted(into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        append(into: &out)
        out.append(UInt8(ascii: "\""))
    }

    /// Appends `YYYY-MM-DDTHH:MM:SS.mmmZ`. Years outside 0...9999 are clamped (a broken clock must
    /// not break the line's format).
    func append(into out: inout [UInt8]) {
        let clamped = min(max(unixMilliseconds, Self.earliest), Self.latest)
        let millis = Int(Self.floorMod(clamped, 1000))
        let seconds = (clamped - Int64(millis)) / 1000
        let secondOfDay = Int(Self.floorMod(seconds, 86_400))
        let days = (seconds - Int64(secondOfDay)) / 86_400
        let (year, month, day) = KeyringTimestamp.civil(fromDays: days)
        Self.digits(Int(year), 4, into: &out)
        out.append(UInt8(ascii: "-"))
        Self.digits(Int(month), 2, into: &out)
        out.append(UInt8(ascii: "-"))
        Self.digits(Int(day), 2, into: &out)
        out.append(UInt8(ascii: "T"))
        Self.digits(secondOfDay / 3600, 2, into: &out)
        out.append(UInt8(ascii: ":"))
        Self.digits(secondOfDay / 60 % 60, 2, into: &out)
        out.append(UInt8(ascii: ":"))
        Self.digits(secondOfDay % 60, 2, into: &out)
        out.append(UInt8(ascii: "."))
        Self.digits(millis, 3, into: &out)
        out.append(UInt8(ascii: "Z"))
    }

    /// 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z.
    static let earliest: Int64 = -62_167_219_200_000
    static let latest: Int64 = 253_402_300_799_999

    /// Floored modulo: the result has the sign of the divisor (times before 1970 stay well-formed).
    private static func floorMod(_ lhs: Int64, _ rhs: Int64) -> Int64 {
        let remainder = lhs % rhs
        return remainder < 0 ? remainder + rhs : remainder
    }

    private static func digits(_ value: Int, _ count: Int, into out: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<count { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            out.append(UInt8(ascii: "0") &+ UInt8(rest / divisor % 10))
            rest %= divisor
            divisor /= 10
        }
    }
}
