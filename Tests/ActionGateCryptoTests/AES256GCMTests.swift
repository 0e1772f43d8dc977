import Testing

@testable import ActionGateCrypto

@Suite struct AES256GCMTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let name: String
        let key: String
        let nonce: String
        let plaintext: String
        let aad: String
        let ciphertext: String
        let tag: String
        var testDescription: String { name }
    }

    static let p15 =
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
        + "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255"
    static let p16 = String(p15.prefix(120))
    static let k15 = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308"
    static let a16 = "feedfacedeadbeeffeedfacedeadbeefabaddad2"

    /// McGrew–Viega, "The Galois/Counter Mode of Operation", Appendix B, test cases 13–16 (256-bit keys,
    /// 96-bit IVs), then NIST CAVP gcmEncryptExtIV256 / gcmDecrypt256 (96-bit IV, 128-bit tag).
    static let vectors: [Vector] = [
        Vector(
            name: "GCM spec 13", key: String(repeating: "00", count: 32), nonce: String(repeating: "00", count: 12),
            plaintext: "", aad: "", ciphertext: "", tag: "530f8afbc74536b9a963b4f1c4cb738b"),
        Vector(
            name: "GCM spec 14", key: String(repeating: "00", count: 32), nonce: String(repeating: "00", count: 12),
            plaintext: String(repeating: "00", count: 16), aad: "", ciphertext: "cea7403d4d606b6e074ec5d3baf39d18",
            tag: "d0d1c8a799996bf0265b98b5d48ab919"),
        Vector(
            name: "GCM spec 15", key: k15, nonce: "cafebabefacedbaddecaf888", plaintext: p15, aad: "",
            ciphertext: "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
                + "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
            tag: "b094dac5d93471bdec1a502270e3cc6c"),
        Vector(
            name: "GCM spec 16", key: k15, nonce: "cafebabefacedbaddecaf888", plaintext: p16, aad: a16,
            ciphertext: "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
                + "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
            tag: "76fc6ece0f4e1768cddf8853bb2d551b"),
        Vector(
            name: "CAVP encrypt PTlen=0", key: "b52c505a37d78eda5dd34f20c22540ea1b58963cf8e5bf8ffa85f9f2492505b4",
            nonce: "516c33929df5a3284ff463d7", plaintext: "", aad: "", ciphertext: "",
            tag: "bdc1ac884d332457a1d2664f168c76f0"),
        Vector(
            name: "CAVP encrypt PTlen=128", key: "31bdadd96698c204aa9ce1448ea94ae1fb4a9a0b3c9d773b51bb1822666b8f22",
            nonce: "0d18e06c7c725ac9e362e1ce", plaintext: "2db5168e932556f8089a0622981d017d", aad: "",
            ciphertext: "fa4362189661d163fcd6a56d8bf0405a", tag: "d636ac1bbedd5cc3ee727dc2ab4a9489"),
        Vector(
            name: "CAVP encrypt AADlen=128", key: "92e11dcdaa866f5ce790fd24501f92509aacf4cb8b1339d50c9c1240935dd08b",
            nonce: "ac93a1a6145299bde902f21a", plaintext: "2d71bcfa914e4ac045b2aa60955fad24",
            aad: "1e0889016f67601c8ebea4943bc23ad6", ciphertext: "8995ae2e6df3dbf96fac7b7137bae67f",
            tag: "eca5aa77d51d4a0a14d9c51e1da474ab"),
        Vector(
            name: "CAVP encrypt AADlen=160", key: "83688deb4af8007f9b713b47cfa6c73e35ea7a3aa4ecdb414dded03bf7a0fd3a",
            nonce: "0b459724904e010a46901cf3", plaintext: "33d893a2114ce06fc15d55e454cf90c3",
            aad: "794a14ccd178c8ebfd1379dc704c5e208f9d8424", ciphertext: "cc66bee423e3fcd4c0865715e9586696",
            tag: "0fb291bd3dba94a1dfd8b286cfb97ac5"),
        Vector(
            name: "CAVP decrypt Count=0", key: "4c8ebfe1444ec1b2d503c6986659af2c94fafe945f72c1e8486a5acfedb8a0f8",
            nonce: "473360e0ad24889959858995", plaintext: "7789b41cb3ee548814ca0b388c10b343", aad: "",
            ciphertext: "d2c78110ac7e8f107c0df0570bd7c90c", tag: "c26a379b6d98ef2852ead8ce83a833a7"),
        Vector(
            name: "CAVP decrypt Count=1", key: "3934f363fd9f771352c4c7a060682ed03c2864223a1573b3af997e2ababd60ab",
            nonce: "efe2656d878c586e41c539c4", plaintext: "697aff2d6b77e5ed6232770e400c1ead", aad: "",
            ciphertext: "e0de64302ac2d04048d65a87d2ad09fe", tag: "33cbd8d2fb8a3a03e30c1eb1b53c1d99"),
    ]

    @Test(arguments: vectors)
    func sealsToThePublishedCiphertextAndTag(vector: Vector) throws {
        let sealed = try AES256GCM.seal(
            hex(vector.plaintext), key: hex(vector.key), nonce: hex(vector.nonce), aad: hex(vector.aad))
        #expect(hexString(sealed.ciphertext) == vector.ciphertext)
        #expect(hexString(sealed.tag) == vector.tag)
    }

    @Test(arguments: vectors)
    func opensThePublishedCiphertext(vector: Vector) throws {
        let plaintext = try AES256GCM.open(
            hex(vector.ciphertext), tag: hex(vector.tag), key: hex(vector.key), nonce: hex(vector.nonce),
            aad: hex(vector.aad))
        #expect(hexString(plaintext) == vector.plaintext)
    }

    /// gcmDecrypt256, PTlen=128 AADlen=0 Count=2: marked FAIL in the CAVP file.
    @Test func rejectsTheCAVPFailureCase() throws {
        #expect(throws: CryptoError.authenticationFailed) {
            try AES256GCM.open(
                hex("9f6607d68e22ccf21928db0986be126e"), tag: hex("f32617f67c574fd9f44ef76ff880ab9f"),
                key: hex("c997768e2d14e3d38259667a6649079de77beb4543589771e5068e6cd7cd0b14"),
                nonce: hex("835090aed9552dbdd45277e2"))
        }
    }

    /// GCM spec test cases 17 (64-bit IV) and 18 (480-bit IV): valid GCM, but outside this API, which
    /// accepts exactly the 96-bit nonces the token format uses; they must be refused, not mis-processed.
    @Test(arguments: [
        "cafebabefacedbad",
        "9313225df88406e555909c5aff5269aa6a7a9538534f7da1e4c303d2a318a728"
            + "c3c0c95156809539fcf0e2429a6b525416aedbf5a0de6a57a637b39b",
    ])
    func refusesNonTwelveByteNonces(nonce: String) {
        #expect(throws: CryptoError.invalidNonceSize) {
            try AES256GCM.seal(hex(Self.p16), key: hex(Self.k15), nonce: hex(nonce), aad: hex(Self.a16))
        }
    }

    @Test func failedOpenZeroesTheOutputBuffer() throws {
        let key = [UInt8](repeating: 7, count: 32)
        let nonce = [UInt8](repeating: 9, count: 12)
        let sealed = try AES256GCM.seal(Array("attack at dawn".utf8), key: key, nonce: nonce, aad: [1])
        var output = [UInt8](repeating: 0xAA, count: sealed.ciphertext.count)
        var tag = sealed.tag
        tag[0] ^= 1
        #expect(throws: CryptoError.authenticationFailed) {
            try sealed.ciphertext.withUnsafeBytes { ciphertext in
                try tag.withUnsafeBytes { tag in
                    try key.withUnsafeBytes { key in
                        try nonce.withUnsafeBytes { nonce in
                            try [UInt8(1)].withUnsafeBytes { aad in
                                try output.withUnsafeMutableBytes { output in
                                    try AES256GCM.open(
                                        ciphertext, tag: tag, key: key, nonce: nonce, aad: aad, plaintext: output)
                                }
                            }
                        }
                    }
                }
            }
        }
        #expect(output.allSatisfy { $0 == 0 })
    }

    enum Change: String, CaseIterable, Sendable { case key, nonce, aad, ciphertext, tag }

    @Test(arguments: Change.allCases)
    func anyChangedInputFailsAuthentication(change: Change) throws {
        var key = [UInt8](repeating: 1, count: 32)
        var nonce = [UInt8](repeating: 2, count: 12)
        var aad: [UInt8] = [3, 4, 5]
        var (ciphertext, tag) = try AES256GCM.seal(Array(0..<40), key: key, nonce: nonce, aad: aad)
        switch change {
        case .key: key[31] ^= 0x80
        case .nonce: nonce[0] ^= 1
        case .aad: aad[2] ^= 1
        case .ciphertext: ciphertext[39] ^= 1
        case .tag: tag[15] ^= 1
        }
        #expect(throws: CryptoError.authenticationFailed) {
            try AES256GCM.open(ciphertext, tag: tag, key: key, nonce: nonce, aad: aad)
        }
    }

    @Test(arguments: [0, 1, 16, 31, 33, 64])
    func refusesWrongKeySizes(size: Int) {
        #expect(throws: CryptoError.invalidKeySize) {
            try AES256GCM.seal(
                [1, 2, 3], key: [UInt8](repeating: 0, count: size), nonce: [UInt8](repeating: 0, count: 12))
        }
    }

    @Test(arguments: [0, 15, 17])
    func refusesWrongTagSizes(size: Int) {
        #expect(throws: CryptoError.invalidTagSize) {
            try AES256GCM.open(
                [1], tag: [UInt8](repeating: 0, count: size), key: [UInt8](repeating: 0, count: 32),
                nonce: [UInt8](repeating: 0, count: 12))
        }
    }

    /// Threads interleave keys on their reused per-thread contexts (re-keying, key-schedule reuse);
    /// every result must still equal the published one.
    @Test func concurrentCallsWithInterleavedKeysMatchPublishedVectors() async throws {
        let vectors = Self.vectors
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for round in 0..<100 {
                        let vector = vectors[(task + round * (task + 1)) % vectors.count]
                        let sealed = try AES256GCM.seal(
                            hex(vector.plaintext), key: hex(vector.key), nonce: hex(vector.nonce), aad: hex(vector.aad))
                        guard hexString(sealed.ciphertext + sealed.tag) == vector.ciphertext + vector.tag else {
                            throw CryptoError.openSSL("wrong output for \(vector.name)")
                        }
                        let opened = try AES256GCM.open(
                            hex(vector.ciphertext), tag: hex(vector.tag), key: hex(vector.key),
                            nonce: hex(vector.nonce), aad: hex(vector.aad))
                        guard hexString(opened) == vector.plaintext else {
                            throw CryptoError.openSSL("wrong plaintext for \(vector.name)")
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// Each thread keeps the last key's schedule and re-keys only when the key bytes differ: keys that
    /// differ in a single byte, anywhere, must never be taken for the loaded one.
    @Test func keysDifferingInOneByteAreNeverConfused() throws {
        let base = try SecureRandom.bytes(32)
        let nonce = try SecureRandom.bytes(12)
        let plaintext = Array("one byte apart".utf8)
        for position in 0..<32 {
            var other = base
            other[position] ^= 0x01
            let first = try AES256GCM.seal(plaintext, key: base, nonce: nonce)
            let second = try AES256GCM.seal(plaintext, key: other, nonce: nonce)
            #expect(first.tag != second.tag, "position \(position)")
            #expect(try AES256GCM.open(first.ciphertext, tag: first.tag, key: base, nonce: nonce) == plaintext)
            #expect(throws: CryptoError.authenticationFailed) {
                try AES256GCM.open(first.ciphertext, tag: first.tag, key: other, nonce: nonce)
            }
            #expect(try AES256GCM.open(second.ciphertext, tag: second.tag, key: other, nonce: nonce) == plaintext)
        }
    }

    /// A thread keeps two open contexts keyed (a session subkey and a bound-arguments subkey): opens
    /// in random order under more keys than that — two of them one byte apart — each use the right
    /// key, whichever context holds it or is re-keyed, and a wrong key never opens.
    @Test func openContextsServeMoreKeysThanTheyHold() throws {
        var keys = [try SecureRandom.bytes(32), try SecureRandom.bytes(32), try SecureRandom.bytes(32)]
        keys.append(keys[0])
        keys[3][31] ^= 0x80
        let nonce = try SecureRandom.bytes(12)
        let sealed = try keys.enumerated().map { index, key in
            try AES256GCM.seal(Array("token \(index)".utf8), key: key, nonce: nonce, aad: [UInt8(index)])
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let index = Int.random(in: 0..<keys.count, using: &generator)
            let (ciphertext, tag) = sealed[index]
            #expect(
                try AES256GCM.open(ciphertext, tag: tag, key: keys[index], nonce: nonce, aad: [UInt8(index)])
                    == Array("token \(index)".utf8))
            let wrong = (index + Int.random(in: 1..<keys.count, using: &generator)) % keys.count
            #expect(throws: CryptoError.authenticationFailed) {
                try AES256GCM.open(ciphertext, tag: tag, key: keys[wrong], nonce: nonce, aad: [UInt8(index)])
            }
        }
    }
}
