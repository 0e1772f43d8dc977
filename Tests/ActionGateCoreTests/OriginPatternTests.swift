import Testing

@testable import ActionGateCore

@Suite struct OriginPatternTests {
    static let valid: [(String, String, Bool)] = [
        ("https://example.com", "https://example.com", false),
        ("HTTPS://Example.COM:443", "https://example.com", false),
        ("http://example.com:80", "http://example.com", false),
        ("http://localhost:3000", "http://localhost:3000", false),
        ("https://*.example.com", "https://*.example.com", true),
        ("https://**.example.com", "https://**.example.com", true),
        ("https://a.*.example.com", "https://a.*.example.com", true),
        ("https://*.my-proxy.com:8443", "https://*.my-proxy.com:8443", true),
        ("http://192.168.1.10:3000", "http://192.168.1.10:3000", false),
        ("https://[2001:DB8::1]", "https://[2001:db8::1]", false),
        ("https://under_score.example.com", "https://under_score.example.com", false),
    ]

    @Test(arguments: valid)
    func parses(text: String, description: String, wildcard: Bool) throws {
        let pattern = try OriginPattern(parsing: text)
        #expect(pattern.description == description)
        #expect(pattern.hasWildcard == wildcard)
    }

    static let refused: [(String, OriginSyntaxError)] = [
        ("example.com", .missingScheme),
        ("*.example.com", .missingScheme),
        ("example.com:443", .missingScheme),
        ("//example.com", .missingScheme),
        ("ftp://example.com", .unsupportedScheme),
        ("chrome-extension://abc", .unsupportedScheme),
        ("https://example.com/", .path),
        ("https://example.com/app", .path),
        ("https://example.com?x", .query),
        ("https://example.com#top", .fragment),
        ("https://user:pw@example.com", .userinfo),
        ("https://", .badHost),
        ("https://exa mple.com", .badHost),
        ("https://example..com", .badHost),
        ("https://[::ffff:10.0.0.1]", .badHost),
        ("https://[*::1]", .badHost),
        ("https://example.com:", .badPort),
        ("https://example.com:99999", .badPort),
        ("https://example.com:*", .badPort),
        ("https://app-*.example.com", .partialWildcard),
        ("https://*app.example.com", .partialWildcard),
        ("https://***.example.com", .partialWildcard),
        ("https://a.**.example.com", .misplacedDoubleWildcard),
        ("https://*.**.example.com", .misplacedDoubleWildcard),
        ("https://*", .wildcardWithoutLiteral),
        ("https://**", .wildcardWithoutLiteral),
        ("https://example.*", .wildcardWithoutLiteral),
        ("https://*.*", .wildcardWithoutLiteral),
        ("http://192.168.*.*", .wildcardWithoutLiteral),
        ("http://*.168.1.1", .wildcardOverIPAddress),
        ("http://10.*.0.1:3000", .wildcardOverIPAddress),
    ]

    @Test(arguments: refused)
    func refuses(text: String, expected: OriginSyntaxError) {
        #expect(throws: expected) { try OriginPattern(parsing: text) }
    }

    @Test func exposesTheLiteralSuffixAfterTheLastWildcard() throws {
        #expect(try OriginPattern(parsing: "https://a.*.example.co.uk").literalSuffix == ["example", "co", "uk"])
        #expect(try OriginPattern(parsing: "https://**.example.com").literalSuffix == ["example", "com"])
    }

    @Test func messagesNeverEchoTheEntry() {
        let all: [OriginSyntaxError] = [
            .missingScheme, .unsupportedScheme, .userinfo, .path, .query, .fragment, .badHost, .badPort,
            .partialWildcard, .misplacedDoubleWildcard, .wildcardWithoutLiteral, .wildcardOverIPAddress,
            .wildcardNeedsTwoLabels,
        ]
        for error in all { #expect(!error.message.isEmpty) }
        #expect(OriginSyntaxError.wildcardCoversPublicSuffix(suffix: "co.uk").message.contains("co.uk"))
    }
}
