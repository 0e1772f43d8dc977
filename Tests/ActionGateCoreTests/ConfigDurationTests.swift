import Testing

@testable import ActionGateCore

@Suite struct ConfigDurationTests {
    static let valid: [(String, Int64)] = [
        ("500ms", 500), ("30s", 30_000), ("10m", 600_000), ("8h", 28_800_000), ("7d", 604_800_000),
        ("0s", 0), ("1h30m", 5_400_000), ("1m500ms", 60_500), ("1d2h3m4s5ms", 93_784_005), ("3650d", 315_360_000_000),
    ]

    @Test(arguments: valid)
    func parses(text: String, milliseconds: Int64) throws {
        #expect(try ConfigDuration(parsing: text).milliseconds == milliseconds)
    }

    static let refused: [(String, ConfigDuration.ParseError)] = [
        ("", .malformed), ("30", .missingUnit), ("s", .malformed), ("1.5s", .malformed), ("-1s", .malformed),
        ("30 s", .malformed), ("1w", .malformed), ("30m1h", .malformed), ("1h1h", .malformed), ("1h30", .malformed),
        ("1S", .malformed), ("3651d", .tooLarge), ("9999999999999d", .tooLarge), ("1hh", .malformed),
        (String(repeating: "1", count: 50) + "s", .malformed),
    ]

    @Test(arguments: refused)
    func refuses(text: String, expected: ConfigDuration.ParseError) {
        #expect(throws: expected) { try ConfigDuration(parsing: text) }
    }

    @Test(arguments: [(Int64(28_800_000), "8h"), (90_000, "1m30s"), (1500, "1s500ms"), (0, "0s"), (604_800_000, "7d")])
    func printsTheShortestForm(milliseconds: Int64, text: String) throws {
        let duration = ConfigDuration(milliseconds: milliseconds)
        #expect(duration.description == text)
        #expect(try ConfigDuration(parsing: text) == duration)
    }

    @Test func convertsToSecondsAndDuration() {
        #expect(ConfigDuration(milliseconds: 1999).seconds == 1)
        #expect(ConfigDuration.seconds(3).duration == .seconds(3))
    }
}
