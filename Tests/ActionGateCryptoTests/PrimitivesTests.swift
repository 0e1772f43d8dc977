import Testing

@testable import ActionGateCrypto

@Suite struct PrimitivesTests {
    @Test(arguments: [0, 1, 12, 32, 1000])
    func secureRandomReturnsTheRequestedCount(count: Int) throws {
        #expect(try SecureRandom.bytes(count).count == count)
    }

    @Test func secureRandomDiffersBetweenCalls() throws {
        let draws = try (0..<16).map { _ in try SecureRandom.bytes(16) }
        #expect(Set(draws).count == draws.count)
        // 16 × 128 bits all zero would mean the DRBG is not filling the buffer.
        #expect(draws.contains { $0.contains { $0 != 0 } })
    }

    static let comparisons: [([UInt8], [UInt8], Bool)] = [
        ([], [], true),
        ([1], [1], true),
        ([1, 2, 3], [1, 2, 3], true),
        ([1, 2, 3], [1, 2, 4], false),
        ([0, 2, 3], [1, 2, 3], false),
        ([1, 2], [1, 2, 3], false),
        ([1, 2, 3], [], false),
    ]

    @Test(arguments: comparisons)
    func constantTimeEqualsComparesBytes(a: [UInt8], b: [UInt8], equal: Bool) {
        #expect(ConstantTime.equals(a, b) == equal)
        #expect(ConstantTime.equals(a[...], b) == equal)
    }

    @Test func cryptoErrorsNameTheirCause() {
        #expect(CryptoError.drainingOpenSSLErrors("RAND_bytes") == .openSSL("RAND_bytes"))
    }
}
