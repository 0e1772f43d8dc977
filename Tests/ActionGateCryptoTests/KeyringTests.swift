import Foundation
import Testing

@testable import ActionGateCrypto

/// A fixed "now" so dates in expectations are exact.
let keyringNow = Date(timeIntervalSince1970: 1_795_000_000)

/// Real randomness for keys: OpenSSL's, as the CLI uses.
func keyringRandom(_ count: Int) -> [UInt8]? {
    Keyring.secureRandomBytes(count)
}

/// An entry with a recognisable secret (every byte = the id's low byte).
func keyringEntry(
    _ id: UInt32,
    _ state: KeyState,
    created: Date = keyringNow,
    changed: Date? = nil,
    secretSize: Int = Keyring.secretSize
) -> KeyringEntry {
    KeyringEntry(
        id: id, state: state, createdAt: created, stateChangedAt: changed ?? created,
        secret: [UInt8](repeating: UInt8(truncatingIfNeeded: id), count: secretSize))
}

/// A keyring with one key in each situation the transitions care about.
///
/// a1 active · d1 decrypt-only demoted 10 days ago · d2 decrypt-only demoted 1 hour ago ·
/// s1 staged 2 hours ago · s2 staged 1 hour ago (listed before s1 to prove "oldest" is by date).
func keyringFixture() throws -> Keyring {
    try Keyring(entries: [
        keyringEntry(0xa1, .active, created: keyringNow - 30 * 86_400, changed: keyringNow - 10 * 86_400),
        keyringEntry(0xd1, .decryptOnly, created: keyringNow - 40 * 86_400, changed: keyringNow - 10 * 86_400),
        keyringEntry(0xd2, .decryptOnly, created: keyringNow - 20 * 86_400, changed: keyringNow - 3600),
        keyringEntry(0x52, .staged, created: keyringNow - 3600),
        keyringEntry(0x51, .staged, created: keyringNow - 7200),
    ])
}

@Suite struct KeyringTests {
    struct InvariantCase: Sendable, CustomTestStringConvertible {
        var name: String
        var entries: [KeyringEntry]
        var expected: [String]
        var testDescription: String { name }
    }

    static let invariantCases: [InvariantCase] = [
        InvariantCase(name: "no keys", entries: [], expected: ["no active key"]),
        InvariantCase(name: "only staged", entries: [keyringEntry(1, .staged)], expected: ["no active key"]),
        InvariantCase(
            name: "two active", entries: [keyringEntry(1, .active), keyringEntry(2, .active)],
            expected: ["2 active keys (keys[0] (id 00000001), keys[1] (id 00000002))"]),
        InvariantCase(
            name: "duplicate id", entries: [keyringEntry(7, .active), keyringEntry(7, .decryptOnly)],
            expected: ["keys[1] (id 00000007): duplicate id: keys[0]"]),
        InvariantCase(
            name: "short secret", entries: [keyringEntry(1, .active, secretSize: 16)],
            expected: ["keys[0] (id 00000001) secret: must be exactly 32 bytes, found 16"]),
        InvariantCase(
            name: "everything at once",
            entries: [keyringEntry(3, .staged, secretSize: 33), keyringEntry(3, .staged)],
            expected: ["duplicate id", "found 33", "no active key"]),
    ]

    @Test(arguments: invariantCases)
    func refusesBrokenInvariants(_ testCase: InvariantCase) {
        #expect {
            _ = try Keyring(entries: testCase.entries)
        } throws: { error in
            guard case .invalid(let problems) = error as? KeyringError else { return false }
            let text = problems.map(\.description).joined(separator: "\n")
            return problems.count == testCase.expected.count
                && testCase.expected.allSatisfy { text.contains($0) }
        }
    }

    @Test func looksKeysUpByTheirTokenID() throws {
        let keyring = try keyringFixture()
        #expect(keyring.active.id == 0xa1)
        #expect(keyring.entry(id: 0xd2)?.state == .decryptOnly)
        #expect(keyring.entry(id: 0x52)?.state == .staged)
        #expect(keyring.entry(id: 0xffff_ffff) == nil)
        #expect(keyring.staged.map(\.id) == [0x51, 0x52], "oldest staged first, whatever the file order")
    }

    @Test func keyIDsAreEightLowercaseHexDigits() {
        #expect(KeyringEntry.hex(0x3f9a_0c12) == "3f9a0c12")
        #expect(KeyringEntry.hex(0) == "00000000")
        #expect(TokenKey.hex(0x0123_4567) == "01234567")
        #expect(TokenKey.hex(0x89ab_cdef) == "89abcdef")
        #expect(TokenKey.hex(UInt32.max) == "ffffffff")
        for id in [UInt32(1), 0x10, 0xa0b0_c0d0, 0x7fff_ffff] {
            #expect(TokenKey.hex(id) == String(repeating: "0", count: 8 - String(id, radix: 16).count) + String(id, radix: 16))
        }
        #expect(KeyringEntry.id(hex: "3f9a0c12") == 0x3f9a_0c12)
        #expect(KeyringEntry.id(hex: "ffffffff") == UInt32.max)
        for bad in ["3F9A0C12", "3f9a0c1", "3f9a0c123", "3f9a0c1g", "", " f9a0c12", "+f9a0c12"] {
            #expect(KeyringEntry.id(hex: bad) == nil, "\(bad)")
        }
    }

    @Test func roundTripsThroughItsFileFormat() throws {
        let keyring = try keyringFixture()
        let bytes = keyring.serialized()
        #expect(try Keyring(parsing: bytes) == keyring)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("{\n  \"format\": \"actiongate-keyring-v1\",\n"))
        #expect(text.contains("\"state\": \"decrypt-only\""))
    }

    @Test func descriptionsNeverContainASecret() throws {
        let keyring = try Keyring.initial(now: keyringNow, randomBytes: keyringRandom)
        let secret = Data(keyring.active.secret).base64EncodedString()
        #expect(!keyring.active.description.contains(secret))
        #expect(!"\(keyring.entries)".contains(secret))
        #expect(!String(reflecting: keyring).contains(secret))
        var dumped = ""
        dump(keyring, to: &dumped)
        #expect(!dumped.contains(secret), "a mirror must not expose the secret either")
        #expect(!dumped.contains("\(keyring.active.secret[0]), \(keyring.active.secret[1]), "))
        #expect(keyring.active.description == "\(keyring.active.idHex) active created 2026-11-18T11:06:40Z")
    }
}
