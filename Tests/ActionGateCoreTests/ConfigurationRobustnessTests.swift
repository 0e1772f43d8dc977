import Testing

@testable import ActionGateCore

/// Mutated configurations never crash the loader, and every refusal says where and what.
@Suite struct ConfigurationRobustnessTests {
    static let text = ConfigurationFixture.minimal + """
        listen: [0.0.0.0:8080, "[::]:8081"]
        trusted_proxies: [10.0.0.0/8]
        session: { cookie: sid, ttl: 1h, refresh_after: 10m, secure: false }
        limits: { max_body: 2MiB, header_timeout: 5s }
        actions:
          default_policy: p
          list:
            - { id: a, path: /a, max_body: 1KiB, content_types: [application/json] }
            - { id: b, policy: q, missing_origin: allow, bound_args: required, enforce: false }
        policies:
          p: { allow: [ { anyone: true } ] }
          q:
            allow: [ { claims: { roles: [admin, 3, true] }, source_ip: ["fd00::/8"] } ]
            deny: [ { subject: [eve] } ]
        """

    static let alphabet = Array("{}[]:,-&*!|>'\"#%@`? \n\t0123456789abcxyz/.\\".unicodeScalars)

    @Test(arguments: 0..<10)
    func mutatedConfigurationsNeverCrash(seed: Int) {
        var state = UInt64(seed + 7) &* 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let original = Array(Self.text.unicodeScalars)
        for _ in 0..<40 {
            var scalars = original
            for _ in 0...next(3) {
                let position = next(scalars.count)
                switch next(3) {
                case 0: scalars.remove(at: position)
                case 1: scalars.insert(Self.alphabet[next(Self.alphabet.count)], at: position)
                default: scalars[position] = Self.alphabet[next(Self.alphabet.count)]
                }
            }
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars)
            do {
                _ = try ConfigurationFixture.load(String(view))
            } catch {
                #expect(!error.issues.isEmpty)
                for issue in error.issues where issue.severity == .error {
                    #expect(issue.file.hasPrefix("/etc/actiongate/") && !issue.message.isEmpty, "\(issue)")
                }
            }
        }
    }
}
