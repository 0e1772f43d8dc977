@testable import ActionGateCrypto

/// A fixed set of keys for tests: the first seals, all open.
struct TestKeys: TokenKeySource {
    let keys: [TokenKey]

    var sealingKey: TokenKey? { keys.first }

    func openingKey(id: UInt32) -> TokenKey? {
        keys.first { $0.id == id }
    }

    static func make(_ ids: UInt32...) throws -> TestKeys {
        TestKeys(keys: try ids.map { id throws in try TokenKey(id: id, secret: secret(for: id)) })
    }

    /// A deterministic 32-byte secret per id.
    static func secret(for id: UInt32) -> [UInt8] {
        (0..<32).map { UInt8(truncatingIfNeeded: Int(id) &* 31 &+ $0 &* 7 &+ 1) }
    }
}

/// Decodes hex test-vector text (whitespace ignored); crashes the test on malformed vectors.
func hex(_ text: String) -> [UInt8] {
    let digits = Array(text.utf8.filter { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\n") })
    precondition(digits.count % 2 == 0, "odd-length hex vector")
    return stride(from: 0, to: digits.count, by: 2).map { index in
        UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16)!
    }
}

/// Lowercase hex of bytes, for readable failures.
func hexString(_ bytes: some Sequence<UInt8>) -> String {
    bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
}
