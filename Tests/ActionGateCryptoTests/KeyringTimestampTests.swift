import Foundation
import Testing

@testable import ActionGateCrypto

@Suite struct KeyringTimestampTests {
    @Test(arguments: [
        ("1970-01-01T00:00:00Z", 0.0),
        ("2026-11-21T10:00:00Z", 1_795_255_200.0),
        ("2000-02-29T23:59:59Z", 951_868_799.0),
        ("2026-11-21t10:00:00z", 1_795_255_200.0),
        ("2026-11-21T10:00:00.999Z", 1_795_255_200.0),
        ("1969-12-31T23:59:59Z", -1.0),
    ])
    func parses(_ text: String, _ seconds: Double) {
        #expect(KeyringTimestamp.parse(text) == Date(timeIntervalSince1970: seconds))
    }

    @Test(arguments: [
        "", "2026-11-21", "2026-11-21T10:00:00", "2026-11-21T10:00:00+00:00", "2026-11-21 10:00:00Z",
        "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z", "2026-02-29T00:00:00Z", "2100-02-29T00:00:00Z",
        "2026-04-31T00:00:00Z", "2026-11-21T24:00:00Z", "2026-11-21T10:60:00Z", "2026-11-21T10:00:60Z",
        "2026-11-21T10:00:00.Z", "2026-11-21T10:00:00,5Z", "+026-11-21T10:00:00Z", "2026-1a-21T10:00:00Z",
        "2026-11-21T10:00:00.1234567890123456789012Z",
    ])
    func refuses(_ text: String) {
        #expect(KeyringTimestamp.parse(text) == nil)
    }

    @Test func formatsAndRoundTrips() {
        #expect(KeyringTimestamp.format(Date(timeIntervalSince1970: 1_795_255_200.7)) == "2026-11-21T10:00:00Z")
        #expect(KeyringTimestamp.format(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59Z")
        #expect(KeyringTimestamp.format(Date.distantFuture.addingTimeInterval(1e300)) == "9999-12-31T23:59:59Z")
        #expect(KeyringTimestamp.format(Date(timeIntervalSince1970: -1e300)) == "0000-01-01T00:00:00Z")
        var seconds: Int64 = -2_000_000_000
        while seconds < 4_000_000_000 {
            let date = Date(timeIntervalSince1970: Double(seconds))
            #expect(KeyringTimestamp.parse(KeyringTimestamp.format(date)) == date)
            seconds += 86_399 * 17
        }
    }
}
