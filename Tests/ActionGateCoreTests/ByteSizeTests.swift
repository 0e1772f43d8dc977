import Testing

@testable import ActionGateCore

@Suite struct ByteSizeTests {
    static let valid: [(String, Int)] = [
        ("0", 0), ("512", 512), ("512B", 512), ("1KiB", 1024), ("256KiB", 262_144), ("1MiB", 1_048_576),
        ("64MiB", 67_108_864), ("2GiB", 2_147_483_648), ("1024GiB", 1 << 40), ("007", 7),
    ]

    @Test(arguments: valid)
    func parses(text: String, bytes: Int) throws {
        #expect(try ByteSize(parsing: text).bytes == bytes)
    }

    static let refused: [(String, ByteSize.ParseError)] = [
        ("", .malformed), ("MiB", .malformed), ("-1", .malformed), ("1.5MiB", .malformed), (" 1MiB", .malformed),
        ("1 MiB", .malformed), ("1MiB ", .malformed), ("1KB", .unsupportedUnit("KB")), ("1mb", .unsupportedUnit("mb")),
        ("1MB", .unsupportedUnit("MB")), ("1k", .unsupportedUnit("k")), ("1TiB", .unsupportedUnit("TiB")),
        ("1kib", .unsupportedUnit("kib")), ("1025GiB", .tooLarge), ("99999999999999999999", .tooLarge),
        ("1099511627777", .tooLarge),
    ]

    @Test(arguments: refused)
    func refuses(text: String, expected: ByteSize.ParseError) {
        #expect(throws: expected) { try ByteSize(parsing: text) }
    }

    @Test(arguments: [
        (1 << 20, "1MiB"), (256 << 10, "256KiB"), (512, "512"), (0, "0"), (1 << 30, "1GiB"), (1500, "1500"),
    ])
    func printsTheShortestExactForm(bytes: Int, text: String) {
        #expect(ByteSize(bytes: bytes).description == text)
    }

    @Test func decimalUnitsAreRefusedWithAHint() {
        #expect(ByteSize.ParseError.unsupportedUnit("MB").message.contains("MiB (1024²)"))
    }
}
