import ActionGateCore
import ActionGateTestSupport
import NIOCore
import Testing

@testable import ActionGateServer

/// `HeadWriter`, which both head serialisers write through: the bytes are those of a plain
/// string-building reference whatever the size estimate, unsafe fields leave no trace, and a
/// wrong estimate costs a rerun, never bytes.
@Suite struct HeadWriterTests {
    /// What a field list serialises to: safe fields as `name: value` CRLF, in order.
    static func reference(_ fields: [(String, String)]) -> [UInt8] {
        var out: [UInt8] = []
        for (name, value) in fields where HeaderFieldSafety.isSafe(name: name, value: value) {
            out += Array(name.utf8) + Array(": ".utf8) + Array(value.utf8) + Array("\r\n".utf8)
        }
        return out
    }

    static func written(_ fields: [(String, String)], estimate: Int) -> [UInt8] {
        var buffer = ByteBuffer()
        buffer.writeHead(estimatedSize: estimate) { head in
            for (name, value) in fields { head.appendField(name: name, value: value) }
        }
        return Array(buffer.readableBytesView)
    }

    @Test func unsafeFieldsLeaveNoBytes() {
        let fields = [
            ("X-Ok", "fine"), ("Bad Name", "v"), ("", "empty name"), ("X-CR", "a\rb"), ("X-LF", "a\nb"),
            ("X-NUL", "a\u{0}b"), ("X-Late-Bad", "\(String(repeating: "x", count: 300))\r\nSet-Cookie: a=1"),
            ("X-Tab", "a\tb"), ("X-Last", ""),
        ]
        let expected = "X-Ok: fine\r\nX-Tab: a\tb\r\nX-Last: \r\n"
        for estimate in [0, 1, 13, 64, 4096] {
            #expect(String(decoding: Self.written(fields, estimate: estimate), as: UTF8.self) == expected)
        }
    }

    /// A Latin-1 field is written back as the bytes it was read from; a scalar above U+00FF, or one
    /// standing for CR, LF or NUL, leaves nothing.
    @Test func latin1ValuesAreWrittenAsTheirBytes() {
        func write(_ value: String) -> [UInt8] {
            var buffer = ByteBuffer()
            buffer.writeHead(estimatedSize: 8) { $0.appendField(name: "X", value: value, isLatin1: true) }
            return Array(buffer.readableBytesView)
        }
        #expect(write("caf\u{E9} \u{FF}\u{80}") == Array("X: caf".utf8) + [0xE9, 0x20, 0xFF, 0x80, 0x0D, 0x0A])
        #expect(write("\u{100}").isEmpty)
        #expect(write("a\rb").isEmpty && write("a\u{0}").isEmpty)
    }

    @Test func decimalsAndLiterals() {
        var buffer = ByteBuffer()
        buffer.writeHead(estimatedSize: 0) { head in
            for value in [0, 7, 10, 1024, -1, -90, Int.max, Int.min] {
                head.appendDecimal(value)
                head.append(" ")
            }
            head.append("é\r\n" as String)
        }
        #expect(
            String(buffer: buffer) == "0 7 10 1024 -1 -90 \(Int.max) \(Int.min) é\r\n")
    }

    /// Random field lists (names and values drawn mostly from the bytes that matter: separators,
    /// CR, LF, NUL, tab, non-ASCII), each written with a random estimate, even far too small.
    @Test func matchesTheReferenceOnRandomFieldsAndEstimates() {
        var random = ParserFuzzRandom(seed: 0x4845_4144)
        let alphabet = Array("aZ0-_:; \t\r\n\u{0}\u{7f}é\"".utf8)
        var mismatches: [String] = []
        for _ in 0..<3_000 {
            let fields = (0..<Int.random(in: 0...12, using: &random)).map { _ in
                (
                    String(decoding: random.bytes(upTo: 12, alphabet: alphabet), as: UTF8.self),
                    String(decoding: random.bytes(upTo: 90, alphabet: alphabet), as: UTF8.self)
                )
            }
            let estimate = Int.random(in: 0...600, using: &random)
            if Self.written(fields, estimate: estimate) != Self.reference(fields) {
                mismatches.append("\(fields) with estimate \(estimate)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(3))")
    }

    @Test func anOverflowingHeadIsWrittenWholeAfterTheCurrentBytes() {
        var buffer = ByteBuffer()
        buffer.writeString("before|")
        let long = String(repeating: "v", count: 10_000)
        buffer.writeHead(estimatedSize: 10) { head in
            head.append("start ")
            head.appendField(name: "X-Long", value: long)
            head.append("end")
        }
        #expect(String(buffer: buffer) == "before|start X-Long: \(long)\r\nend")
    }
}
