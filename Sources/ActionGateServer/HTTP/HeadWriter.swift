import ActionGateCore
import NIOCore

/// Writes a message head straight into a buffer's memory in one pass: the pieces are copied with
/// `memcpy`-like loops instead of one `ByteBuffer` call each (four per header field, each with its
/// own capacity and uniqueness checks), and a field's safety check runs over the bytes as they are
/// copied.
///
/// Used through `ByteBuffer.writeHead(estimatedSize:_:)`, which gives it the memory. A piece that
/// does not fit marks the writer `overflowed` and nothing more is written; `writeHead` then runs
/// the same description again with room for twice as much, so a wrong estimate costs time, never
/// bytes and never a trap.
struct HeadWriter: ~Copyable {
    private let base: UnsafeMutableRawBufferPointer
    private(set) var count = 0
    private(set) var overflowed = false

    init(_ base: UnsafeMutableRawBufferPointer) {
        self.base = base
    }

    /// Appends a literal.
    mutating func append(_ literal: StaticString) {
        literal.withUTF8Buffer { append($0) }
    }

    /// Appends a string's UTF-8 bytes.
    mutating func append(_ string: String) {
        var string = string
        string.withUTF8 { append($0) }
    }

    /// Appends `value` in decimal (a negative value with its sign).
    mutating func appendDecimal(_ value: Int) {
        var magnitude = value.magnitude
        var digits = 1
        var rest = magnitude / 10
        while rest > 0 {
            digits &+= 1
            rest /= 10
        }
        let length = digits &+ (value < 0 ? 1 : 0)
        guard reserve(length) else { return }
        if value < 0 { base[count] = UInt8(ascii: "-") }
        var index = count &+ length
        repeat {
            index &-= 1
            base[index] = UInt8(truncatingIfNeeded: magnitude % 10) &+ UInt8(ascii: "0")
            magnitude /= 10
        } while magnitude > 0
        count &+= length
    }

    /// Appends `name: value` and CRLF when `name` is a token and `value` holds no CR, LF or NUL
    /// (`HeaderFieldSafety.isSafe`); otherwise appends nothing. Returns whether it appended.
    /// With `isLatin1` each of the value's scalars is written as the one byte it stands for
    /// (`HeaderFields.Field.isLatin1`).
    @discardableResult
    mutating func appendField(name: String, value: String, isLatin1: Bool = false) -> Bool {
        let start = count
        var name = name
        var value = value
        let safe = name.withUTF8 { name in
            value.withUTF8 { utf8 in
                guard !name.isEmpty else { return false }
                // A Latin-1 value takes at most as many bytes as its UTF-8 form.
                guard reserve(name.count &+ utf8.count &+ 4) else { return true }  // overflowed: rerun
                guard copy(name, where: HeaderFieldSafety.isTokenByte) else { return false }
                base[count] = UInt8(ascii: ":")
                base[count &+ 1] = UInt8(ascii: " ")
                count &+= 2
                if isLatin1 {
                    guard copyLatin1(utf8) else { return false }
                } else {
                    guard copy(utf8, where: HeaderFieldSafety.isValueByte) else { return false }
                }
                base[count] = UInt8(ascii: "\r")
                base[count &+ 1] = UInt8(ascii: "\n")
                count &+= 2
                return true
            }
        }
        if !safe { count = start }
        return safe && !overflowed
    }

    /// Writes each scalar of the UTF-8 text `bytes` as one byte (room already reserved); false for a
    /// scalar above U+00FF or a byte `HeaderFieldSafety.isValueByte` refuses.
    private mutating func copyLatin1(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            let byte: UInt8
            if lead < 0x80 {
                byte = lead
                index &+= 1
            } else if lead & 0xE0 == 0xC0, lead <= 0xC3, index &+ 1 < bytes.count {
                // U+0080–U+00FF: two bytes, 110000xx 10xxxxxx.
                byte = (lead & 0x03) << 6 | (bytes[index &+ 1] & 0x3F)
                index &+= 2
            } else {
                return false
            }
            guard HeaderFieldSafety.isValueByte(byte) else { return false }
            base[count] = byte
            count &+= 1
        }
        return true
    }

    /// Copies `bytes` (room already reserved) while each passes `isAllowed`; false at the first that
    /// does not (the caller then drops the whole field).
    @inline(__always)
    private mutating func copy(_ bytes: UnsafeBufferPointer<UInt8>, where isAllowed: (UInt8) -> Bool) -> Bool {
        for byte in bytes {
            guard isAllowed(byte) else { return false }
            base[count] = byte
            count &+= 1
        }
        return true
    }

    /// The bytes `fields` take as `name: value` CRLF lines (an estimate's main part).
    static func size(of fields: HeaderFields) -> Int {
        var size = 0
        for field in fields.fields {
            size &+= field.name.utf8.count &+ field.value.utf8.count &+ 4
        }
        return size
    }

    private mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard reserve(bytes.count), let source = bytes.baseAddress else { return }
        (base.baseAddress! + count).copyMemory(from: source, byteCount: bytes.count)
        count &+= bytes.count
    }

    /// True when `bytes` more fit; otherwise the writer is marked overflowed.
    private mutating func reserve(_ bytes: Int) -> Bool {
        guard !overflowed, bytes <= base.count &- count else {
            overflowed = true
            return false
        }
        return true
    }
}

extension ByteBuffer {
    /// Writes the head `describe` produces, in one pass over memory sized `estimatedSize` (and again
    /// with twice the room if it did not fit). `describe` must write the same bytes each time.
    mutating func writeHead(estimatedSize: Int, _ describe: (inout HeadWriter) -> Void) {
        var room = Swift.max(estimatedSize, 64)
        while true {
            var fitted = false
            writeWithUnsafeMutableBytes(minimumWritableBytes: room) { memory in
                var writer = HeadWriter(UnsafeMutableRawBufferPointer(rebasing: memory[..<room]))
                describe(&writer)
                guard !writer.overflowed else { return 0 }
                fitted = true
                return writer.count
            }
            if fitted { return }
            room = room.multipliedReportingOverflow(by: 2).overflow ? .max : room * 2
        }
    }
}
