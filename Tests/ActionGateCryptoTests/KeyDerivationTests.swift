import Testing

@testable import ActionGateCrypto

@Suite struct KeyDerivationTests {
    struct HKDFCase: Sendable, CustomTestStringConvertible {
        let name: String
        let ikm: [UInt8]
        let salt: [UInt8]
        let info: [UInt8]
        let length: Int
        let okm: String
        var testDescription: String { name }
    }

    /// RFC 5869 Appendix A, test cases 1–3 (SHA-256).
    static let hkdfCases: [HKDFCase] = [
        HKDFCase(
            name: "RFC 5869 case 1", ikm: [UInt8](repeating: 0x0b, count: 22), salt: hex("000102030405060708090a0b0c"),
            info: hex("f0f1f2f3f4f5f6f7f8f9"), length: 42,
            okm: "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"),
        HKDFCase(
            name: "RFC 5869 case 2", ikm: Array(0x00...0x4f), salt: Array(0x60...0xaf), info: Array(0xb0...0xff),
            length: 82,
            okm: "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09"
                + "da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87"),
        HKDFCase(
            name: "RFC 5869 case 3 (empty salt and info)", ikm: [UInt8](repeating: 0x0b, count: 22), salt: [],
            info: [], length: 42,
            okm: "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"),
    ]

    @Test(arguments: hkdfCases)
    func hkdfMatchesRFC5869(testCase: HKDFCase) throws {
        let okm = try HKDF.sha256(
            ikm: testCase.ikm, salt: testCase.salt, info: testCase.info, outputLength: testCase.length)
        #expect(hexString(okm) == testCase.okm)
    }

    @Test func emptySaltEqualsHashLenZeros() throws {
        let ikm = Array("input keying material".utf8)
        let empty = try HKDF.sha256(ikm: ikm, salt: [], info: [1], outputLength: 32)
        let zeros = try HKDF.sha256(ikm: ikm, salt: [UInt8](repeating: 0, count: 32), info: [1], outputLength: 32)
        #expect(empty == zeros)
    }

    /// HKDF built from the HMAC primitive by the RFC's definition agrees with OpenSSL's HKDF,
    /// including the edge cases (empty IKM, one byte, several blocks).
    @Test(arguments: [(0, 1), (1, 32), (5, 33), (40, 100), (64, 255 * 32)])
    func hkdfAgreesWithItsDefinition(ikmLength: Int, length: Int) throws {
        let ikm = try SecureRandom.bytes(ikmLength)
        let salt = try SecureRandom.bytes(13)
        let info = try SecureRandom.bytes(9)
        let prk = try HMAC.sha256(key: salt, message: ikm)
        var okm: [UInt8] = []
        var block: [UInt8] = []
        var counter: UInt8 = 1
        while okm.count < length {
            block = try HMAC.sha256(key: prk, message: block + info + [counter])
            okm += block
            counter &+= 1
        }
        #expect(try HKDF.sha256(ikm: ikm, salt: salt, info: info, outputLength: length) == Array(okm.prefix(length)))
    }

    @Test(arguments: [0, -1, 255 * 32 + 1])
    func hkdfRefusesImpossibleLengths(length: Int) {
        #expect(throws: CryptoError.invalidOutputLength) {
            try HKDF.sha256(ikm: [1], salt: [], info: [], outputLength: length)
        }
    }

    struct HMACCase: Sendable, CustomTestStringConvertible {
        let name: String
        let key: [UInt8]
        let data: [UInt8]
        let mac: String
        var testDescription: String { name }
    }

    static let largeKey = [UInt8](repeating: 0xaa, count: 131)

    /// RFC 4231 section 4, test cases 1–7 (HMAC-SHA-256). Case 5 is truncated to 128 bits in the RFC.
    static let hmacCases: [HMACCase] = [
        HMACCase(
            name: "RFC 4231 case 1", key: [UInt8](repeating: 0x0b, count: 20), data: Array("Hi There".utf8),
            mac: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        HMACCase(
            name: "RFC 4231 case 2", key: Array("Jefe".utf8), data: Array("what do ya want for nothing?".utf8),
            mac: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        HMACCase(
            name: "RFC 4231 case 3", key: [UInt8](repeating: 0xaa, count: 20),
            data: [UInt8](repeating: 0xdd, count: 50),
            mac: "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        HMACCase(
            name: "RFC 4231 case 4", key: Array(0x01...0x19), data: [UInt8](repeating: 0xcd, count: 50),
            mac: "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        HMACCase(
            name: "RFC 4231 case 5 (truncated)", key: [UInt8](repeating: 0x0c, count: 20),
            data: Array("Test With Truncation".utf8), mac: "a3b6167473100ee06e0c796c2955552b"),
        HMACCase(
            name: "RFC 4231 case 6", key: largeKey,
            data: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
            mac: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        HMACCase(
            name: "RFC 4231 case 7", key: largeKey,
            data: Array(
                ("This is a test using a larger than block-size key and a larger than block-size data. "
                    + "The key needs to be hashed before being used by the HMAC algorithm.").utf8),
            mac: "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
    ]

    @Test(arguments: hmacCases)
    func hmacMatchesRFC4231(testCase: HMACCase) throws {
        let mac = try HMAC.sha256(key: testCase.key, message: testCase.data)
        #expect(mac.count == 32)
        // Case 5 publishes only the first 128 bits; compare on the published prefix.
        #expect(hexString(mac.prefix(testCase.mac.count / 2)) == testCase.mac)
    }

    @Test func hmacAcceptsEmptyKeyAndMessage() throws {
        // HMAC-SHA256("", "") — a well-known constant.
        let mac = try HMAC.sha256(key: [UInt8](), message: [UInt8]())
        #expect(hexString(mac) == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
    }
}
