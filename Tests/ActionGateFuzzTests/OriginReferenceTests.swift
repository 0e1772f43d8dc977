import ActionGateCore
import Testing

@testable import actiongate_fuzz

/// The reference matcher the origin and gate targets judge `OriginMatcher` by: it must itself be right.
@Suite struct OriginReferenceTests {
    @Test(arguments: [
        ("https://*.example.com", "a.example.com", true),
        ("https://*.example.com", "example.com", false),
        ("https://*.example.com", "a.b.example.com", false),
        ("https://**.example.com", "a.b.example.com", true),
        ("https://**.example.com", "example.com", false),
        ("https://a.*.example.com", "a.b.example.com", true),
        ("https://a.*.example.com", "b.b.example.com", false),
        ("https://app.example.com", "app.example.com", true),
        ("https://app.example.com", "app.example.org", false),
        ("https://*.example.com", "[::1]", false),
    ])
    func matchesHostsLikeNextJS(pattern: String, host: String, expected: Bool) throws {
        let parsed = try OriginPattern(parsing: pattern)
        #expect(OriginReference.hostMatches(parsed, host) == expected)
    }

    @Test func allowsPublicOriginsAndFileEntriesOnly() throws {
        let allowed = try FuzzFixture.allowedOrigins.get()
        let publicOrigins = FuzzFixture.publicOrigins
        for (text, expected) in [
            ("https://app.example.com", true), ("https://x.preview.example.net", true),
            ("https://x.preview.example.net:8443", false), ("http://x.preview.example.net", false),
            ("https://a.b.tenants.example.com:8443", true), ("https://evil.example", false),
        ] {
            let origin = try WebOrigin(parsing: text)
            #expect(
                OriginReference.allows(origin, publicOrigins: publicOrigins, allowed: allowed) == expected, "\(text)")
        }
    }
}
