import COpenSSL
import Synchronization

/// One keyring key, ready to seal and open tokens: its id and the two HKDF-SHA256 subkeys derived once.
///
/// The 32-byte secret itself is not kept; the subkeys live in memory owned by this object and are
/// wiped when it is released. `sealCount` counts seals made with this key in this process, by this
/// object and every other built from the same id and secret (a reload's new `Keyring`, see
/// `SealCounter`): random 96-bit nonces are safe for 2^32 seals per key (NIST SP 800-38D), so the
/// gateway warns from `sealWarningThreshold` and `SealedToken.seal` refuses from `sealLimit`.
///
/// `@unchecked Sendable`: the subkey buffer is written only in `init`, read-only afterwards, and freed
/// only in `deinit` when no other reference exists; the counter is an `Atomic` (shared, `SealCounter`).
public final class TokenKey: @unchecked Sendable {
    /// Length of a key secret in bytes.
    public static let secretSize = 32
    /// Seal count from which operators should be warned to rotate (2^30).
    public static let sealWarningThreshold: UInt64 = 1 << 30
    /// Seal count at which sealing is refused (2^32, the random-nonce bound).
    public static let sealLimit: UInt64 = 1 << 32

    /// The key id carried in token headers (big-endian); the keyring's `id` is its lowercase hex.
    public let id: UInt32
    /// Session subkey (bytes 0..<32) then bound-arguments subkey (32..<64).
    private let subkeys: UnsafeMutableRawBufferPointer
    private let sealCounter: SealCounter

    /// Derives the subkeys for key `id` from its 32-byte `secret`.
    ///
    /// - Throws: `.invalidKeySize` unless `secret` is exactly 32 bytes; `.openSSL` if HKDF fails.
    public init(id: UInt32, secret: [UInt8]) throws(CryptoError) {
        guard secret.count == Self.secretSize else { throw .invalidKeySize }
        let session = try HKDF.sha256(
            ikm: secret, salt: [], info: Array(TokenPurpose.session.hkdfInfo.utf8), outputLength: 32)
        let bound = try HKDF.sha256(
            ikm: secret, salt: [], info: Array(TokenPurpose.boundArguments.hkdfInfo.utf8), outputLength: 32)
        self.id = id
        sealCounter = try SealCounter.shared(id: id, secret: secret)
        subkeys = .allocate(byteCount: 64, alignment: 16)
        subkeys.copyBytes(from: session + bound)
    }

    deinit {
        OPENSSL_cleanse(subkeys.baseAddress, subkeys.count)
        subkeys.deallocate()
    }

    /// The id as 8 lowercase hex digits, as written in the keyring file and in logs.
    public var idHex: String { Self.hex(id) }

    /// Number of tokens this key has sealed in this process.
    public var sealCount: UInt64 { sealCounter.value.load(ordering: .relaxed) }

    /// Formats a key id as 8 lowercase hex digits.
    public static func hex(_ id: UInt32) -> String {
        // Eight bytes make a small string: formatted on the stack, no allocation (once per token opened).
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 8) { text in
            for index in 0..<8 {
                let nibble = UInt8(truncatingIfNeeded: id >> (28 - 4 * UInt32(index))) & 15
                text[index] = nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
            }
            return String(decoding: UnsafeBufferPointer(text), as: UTF8.self)
        }
    }

    /// Parses 8 hex digits (either case) into a key id, or nil.
    public static func id(fromHex text: some StringProtocol) -> UInt32? {
        let utf8 = Array(text.utf8)
        guard utf8.count == 8, utf8.allSatisfy({ $0.isHexDigit }) else { return nil }
        return UInt32(String(decoding: utf8, as: UTF8.self), radix: 16)
    }

    /// Counts one seal; throws once the key has reached `sealLimit`.
    func recordSeal() throws(CryptoError) {
        let previous = sealCounter.value.wrappingAdd(1, ordering: .relaxed).oldValue
        guard previous < Self.sealLimit else { throw .keyUsageLimitReached }
    }

    /// Runs `body` with the 32-byte subkey for `purpose`, keeping this key alive meanwhile.
    func withSubkey<Result, Failure: Error>(
        for purpose: TokenPurpose, _ body: (UnsafeRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        let start = purpose == .session ? 0 : 32
        let subkey = UnsafeRawBufferPointer(rebasing: subkeys[start..<start + 32])
        defer { withExtendedLifetime(self) {} }
        return try body(subkey)
    }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        (0x30...0x39).contains(self) || (0x41...0x46).contains(self) || (0x61...0x66).contains(self)
    }
}
