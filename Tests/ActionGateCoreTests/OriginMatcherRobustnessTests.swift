import Testing

@testable import ActionGateCore

/// Random and mutated inputs for every origin-related parser: none may crash, and what parses must
/// round-trip. Deterministic, so a failure names the seed that reproduces it.
@Suite struct OriginMatcherRobustnessTests {
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    /// Bytes that matter to the grammars, plus a few that never should appear.
    static let alphabet = Array("htps:/[]@?#.*-_0123456789abcdefABCDEF:,; \t%\u{0}\u{7F}é".unicodeScalars)
    static let seeds = [
        "https://app.example.com", "http://[::1]:8080", "https://*.preview.example.net", "null",
        "https://a.b.c:65535", "http://10.0.0.1:3000", "app.example.com:443",
    ]

    static func mutate(_ text: String, _ g: inout Generator) -> String {
        var scalars = Array(text.unicodeScalars)
        for _ in 0...g.next(4) {
            switch g.next(3) {
            case 0 where !scalars.isEmpty: scalars.remove(at: g.next(scalars.count))
            case 1: scalars.insert(alphabet[g.next(alphabet.count)], at: g.next(scalars.count + 1))
            default:
                if !scalars.isEmpty { scalars[g.next(scalars.count)] = alphabet[g.next(alphabet.count)] }
            }
        }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars)
        return String(result)
    }

    static let matcher = OriginMatcher(
        publicOrigins: [
            WebOrigin(scheme: .https, host: "app.example.com"), WebOrigin(scheme: .http, host: "[::1]", port: 8080),
        ],
        allowedOrigins: try! AllowedOrigins(
            parsing: "https://*.preview.example.net\nhttps://**.b.c", publicSuffixes: nil))

    @Test(arguments: 0..<20)
    func mutatedInputsNeverCrashAndRoundTrip(seed: Int) {
        var g = Generator(state: UInt64(seed + 1) &* 0x9E37_79B9_7F4A_7C15)
        for _ in 0..<300 {
            let input = Self.mutate(Self.seeds[g.next(Self.seeds.count)], &g)
            let decision = Self.matcher.check(origin: input)
            if decision.isAllowed {
                // Only inputs that are an allowed origin, up to case and a default port, may pass.
                #expect(input.lowercased().hasPrefix("http"), "\(input)")
            }
            _ = Self.matcher.isAllowedHost(input)
            if let origin = try? WebOrigin(parsing: input) {
                #expect((try? WebOrigin(parsing: origin.description)) == origin, "\(input)")
                #expect(Self.matcher.check(origin: origin.description).isAllowed == decision.isAllowed, "\(input)")
            }
            if let pattern = try? OriginPattern(parsing: input) {
                #expect((try? OriginPattern(parsing: pattern.description)) == pattern, "\(input)")
            }
            _ = try? AllowedOrigins(parsing: input + "\n" + input, publicSuffixes: nil)
            if let address = IPAddress(input) { #expect(IPAddress(address.description) == address, "\(input)") }
            if let network = try? CIDR(parsing: input) { #expect((try? CIDR(parsing: network.description)) == network) }
            _ = try? ListenAddress(parsing: input)
            _ = try? ByteSize(parsing: input)
            _ = try? ConfigDuration(parsing: input)
        }
    }

    @Test func randomBytesNeverCrash() {
        var g = Generator(state: 42)
        for _ in 0..<2000 {
            let length = g.next(40)
            let bytes = (0..<length).map { _ in UInt8(g.next(256)) }
            let input = String(decoding: bytes, as: UTF8.self)
            #expect(!Self.matcher.check(origin: input).isAllowed)
            _ = Self.matcher.isAllowedHost(input)
            _ = IPAddress(input)
            _ = try? CIDR(parsing: input)
            _ = try? OriginPattern(parsing: "https://" + input)
        }
    }
}
