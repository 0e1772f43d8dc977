import Testing

@testable import ActionGateCore

/// Mutated configurations never crash the loader, and every refusal says where and what.
@Suite struct ConfigurationRobustnessTests {
    static let text =
        ConfigurationFixture.minimal + """
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

/// YAML aliases cannot blow a small file up into a document the loader never finishes reading.
@Suite struct ConfigurationAliasExpansionTests {
    /// Ten levels of ten aliases: 10^10 values from about 500 bytes, last used as a mapping key
    /// (Yams hashes a key's whole tree; this once hung the loader, found by the config fuzzer).
    static func laughs(asKey: Bool) -> String {
        var lines = [ConfigurationFixture.minimal + #"a: &a ["x","x","x","x","x","x","x","x","x","x"]"#]
        var previous = "a"
        for level in 1...9 {
            let items = Array(repeating: "*\(previous)", count: 10).joined(separator: ",")
            lines.append("l\(level): &l\(level) [\(items)]")
            previous = "l\(level)"
        }
        lines.append(asKey ? "? *l9\n: 1" : "policies: { p: { allow: *l9 } }")
        return lines.joined(separator: "\n")
    }

    @Test(arguments: [true, false])
    func nestedAliasesAreRefusedWithTheirLine(asKey: Bool) {
        let issues = ConfigurationFixture.issues(Self.laughs(asKey: asKey))
        #expect(issues.count == 1)
        // The first alias over the limit is on line 13 (`l5`, at its second copy of `l4`'s 111,111 values).
        #expect(issues.first?.hasPrefix("/etc/actiongate/config.yaml:13:") == true, "\(issues)")
        let expected = "the document is too large: its aliases expand it past 250000 values"
        #expect(issues.first?.contains(expected) == true, "\(issues)")
    }

    @Test func ordinaryAnchorsStillWork() throws {
        let text = """
            public_origins: [https://app.example.com]
            keyring: ./keys.json
            upstreams:
              app: &upstream { url: http://127.0.0.1:3000 }
              api: *upstream
            routes:
              - { path_prefix: /api, upstream: api }
              - { path_prefix: /, upstream: app }
            """
        let configuration = try ConfigurationFixture.load(text)
        #expect(configuration.upstreams.count == 2)
    }

    /// Yams builds the tree recursively: 999 nested flow mappings (within libyaml's own bound) took
    /// 2–4 MiB of stack and crashed a reload on a 2 MiB thread stack. Refused past 64 levels first.
    @Test func deepNestingIsRefusedBeforeTheTreeIsBuilt() throws {
        try YAMLExpansionLimit.standard.check(
            String(repeating: "{a: ", count: 64) + "1" + String(repeating: "}", count: 64))
        let deep = "extra: " + String(repeating: "{a: ", count: 999) + "1" + String(repeating: "}", count: 999) + "\n"
        #expect(throws: YAMLExpansionLimit.Exceeded(line: 1, limit: .depth(64))) {
            try YAMLExpansionLimit.standard.check(deep)
        }
        let issues = ConfigurationFixture.issues(ConfigurationFixture.minimal + deep)
        #expect(issues.contains { $0.contains("nests more than 64 levels deep") }, "\(issues)")
        let block = (0..<70).map { String(repeating: "  ", count: $0) + "k\($0):" }.joined(separator: "\n") + " 1\n"
        #expect(throws: YAMLExpansionLimit.Exceeded.self) { try YAMLExpansionLimit.standard.check(block) }
    }

    @Test func theLimitCountsExpandedValues() throws {
        let limit = YAMLExpansionLimit(maximumNodes: 20)
        // 1 mapping + key/value pairs: a (1 key + 1 seq + 3 scalars) and b, c aliases of 4 each.
        try limit.check("a: &x [1, 2, 3]\nb: *x\nc: *x\n")
        #expect(throws: YAMLExpansionLimit.Exceeded(line: 4, limit: .nodes(20))) {
            try limit.check("a: &x [1, 2, 3]\nb: *x\nc: *x\nd: *x\ne: *x\n")
        }
        // Syntax errors are left to the parser proper.
        try limit.check("a: [1, 2\n")
        try limit.check("a: *undefined\n")
        try limit.check("")
    }
}
