/// The lookup tables `Base64URL` works through, built once per process.
///
/// Plain pointers rather than arrays: the hot loops index them without bounds checks, retains or
/// `withUnsafeBufferPointer` closures. `@unchecked Sendable`: the memory is written only while the
/// shared instance is initialised (Swift runs that exactly once, thread-safely), is read-only afterwards
/// and is never freed.
struct Base64URLTables: @unchecked Sendable {
    /// Marks a character outside the alphabet in `decode`.
    static let invalidCharacter: UInt8 = 0xFF
    /// Set in a `decodePairs` entry when either character is outside the alphabet (valid entries use 12 bits).
    static let invalidPair: UInt16 = 0x8000

    /// The 64 characters, by value.
    let alphabet: UnsafePointer<UInt8>
    /// For each byte, its 6-bit value, or `invalidCharacter`.
    let decode: UnsafePointer<UInt8>
    /// For each 12-bit value, its two characters (first in the low byte): 8 KiB.
    let encodePairs: UnsafePointer<UInt16>
    /// For each two characters (first in the low byte of the index), their 12 bits, or `invalidPair`:
    /// 128 KiB, of which valid input touches about 12 KiB.
    let decodePairs: UnsafePointer<UInt16>

    static let shared = Base64URLTables()

    private init() {
        let characters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        let alphabet = UnsafeMutablePointer<UInt8>.allocate(capacity: 64)
        alphabet.initialize(from: characters, count: 64)
        let decode = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        decode.initialize(repeating: Self.invalidCharacter, count: 256)
        for (value, character) in characters.enumerated() { decode[Int(character)] = UInt8(value) }
        let encodePairs = UnsafeMutablePointer<UInt16>.allocate(capacity: 4096)
        for value in 0..<4096 {
            (encodePairs + value).initialize(to: UInt16(characters[value >> 6]) | UInt16(characters[value & 63]) << 8)
        }
        let decodePairs = UnsafeMutablePointer<UInt16>.allocate(capacity: 65536)
        for index in 0..<65536 {
            let first = decode[index & 0xFF]
            let second = decode[index >> 8]
            let valid = first != Self.invalidCharacter && second != Self.invalidCharacter
            (decodePairs + index).initialize(to: valid ? UInt16(first) << 6 | UInt16(second) : Self.invalidPair)
        }
        self.alphabet = UnsafePointer(alphabet)
        self.decode = UnsafePointer(decode)
        self.encodePairs = UnsafePointer(encodePairs)
        self.decodePairs = UnsafePointer(decodePairs)
    }
}
