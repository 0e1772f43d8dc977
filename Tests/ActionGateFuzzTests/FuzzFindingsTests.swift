import ActionGateCore
import Testing

/// What the fuzzers found, pinned as plain unit tests (their reproducers are also under Fuzz/regressions/).
@Suite struct FuzzFindingsTests {
    /// An empty IPv6 literal `[]` reached `IPAddressParser.parseV6` with an empty buffer, which read
    /// byte 0 unchecked: a trap in debug builds, an out-of-bounds read in release, from a `Host` or
    /// `Origin` header. Found by the origin target (Fuzz/regressions/origin/empty-ipv6-literal-host).
    @Test(arguments: ["[]", "[]:8443", " [] "])
    func emptyIPv6HostIsRefused(host: String) {
        let matcher = OriginMatcher(publicOrigins: [WebOrigin(scheme: .https, host: "[::1]", port: 8443)])
        #expect(!matcher.isAllowedHost(host))
    }

    @Test(arguments: ["https://[]", "https://[]:8443", "http://[]"])
    func emptyIPv6OriginIsMalformed(origin: String) {
        let matcher = OriginMatcher(publicOrigins: [WebOrigin(scheme: .https, host: "[::1]", port: 8443)])
        #expect(matcher.check(origin: origin) == .malformed(.malformedOrigin))
        #expect(throws: OriginSyntaxError.self) { try WebOrigin(parsing: origin) }
        #expect(throws: OriginSyntaxError.self) { try OriginPattern(parsing: origin) }
    }
}
