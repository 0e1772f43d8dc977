/// SplitMix64: a tiny seeded generator, so every randomised run is reproducible from its seed, with
/// the byte helpers the parser tests draw their inputs from.
public struct ParserFuzzRandom: RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z &>> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z &>> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z &>> 31)
    }

    /// Random bytes, mostly drawn from `alphabet` (the bytes a parser cares about), some arbitrary.
    public mutating func bytes(upTo maxCount: Int, alphabet: [UInt8]) -> [UInt8] {
        (0..<Int.random(in: 0...maxCount, using: &self)).map { _ in
            Int.random(in: 0..<8, using: &self) == 0
                ? UInt8.random(in: 0...255, using: &self) : alphabet.randomElement(using: &self)!
        }
    }

    /// `input` with a few random byte flips, insertions, deletions and duplications.
    public mutating func mutate(_ input: [UInt8], alphabet: [UInt8]) -> [UInt8] {
        var output = input
        for _ in 0..<Int.random(in: 1...4, using: &self) {
            let index = output.isEmpty ? 0 : Int.random(in: 0..<output.count, using: &self)
            switch Int.random(in: 0..<4, using: &self) {
            case 0 where !output.isEmpty: output[index] = alphabet.randomElement(using: &self)!
            case 1: output.insert(alphabet.randomElement(using: &self)!, at: index)
            case 2 where !output.isEmpty: output.remove(at: index)
            default:
                let end = min(output.count, index + Int.random(in: 0...8, using: &self))
                output.insert(contentsOf: output[index..<end], at: index)
            }
        }
        return output
    }
}
