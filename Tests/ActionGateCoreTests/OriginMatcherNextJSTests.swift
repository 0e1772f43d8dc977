import Testing

@testable import ActionGateCore

/// Every case of Next.js's own host-matching table (`isCsrfOriginAllowed` in
/// packages/next/src/server/app-render/csrf-protection.test.ts), plus the port cases of its
/// `serverActions.allowedOrigins` documentation. Next.js entries are bare hosts; here each gets the
/// `https://` scheme our file requires, and the origin is `https://<host>`. An entry our syntax
/// refuses outright (`''`, `*`, `**`) allows nothing, which is what Next.js answers too.
@Suite struct OriginMatcherNextJSTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var host: String
        var patterns: [String]
        var allowed: Bool
        var testDescription: String { "\(host) vs \(patterns) → \(allowed)" }
    }

    static let table: [Case] = [
        // should return true when allowedOrigins contains originDomain
        Case(host: "vercel.com", patterns: ["vercel.com"], allowed: true),
        Case(host: "www.vercel.com", patterns: ["www.vercel.com"], allowed: true),
        // should return true when allowedOrigins contains originDomain with matching pattern
        Case(host: "asdf.vercel.com", patterns: ["*.vercel.com"], allowed: true),
        Case(host: "asdf.vercel.com", patterns: ["**.vercel.com"], allowed: true),
        Case(host: "asdf.jkl.vercel.com", patterns: ["**.vercel.com"], allowed: true),
        // should correctly handle origins that don't have a TLD (eg for localhost)
        Case(host: "subdomain.localhost", patterns: ["*.localhost"], allowed: true),
        Case(host: "localhost", patterns: ["*.localhost"], allowed: false),
        Case(host: "subdomain.localhost", patterns: ["**.localhost"], allowed: true),
        Case(host: "a.b.localhost", patterns: ["**.localhost"], allowed: true),
        Case(host: "localhost", patterns: ["**.localhost"], allowed: false),
        Case(host: "localhost", patterns: ["localhost"], allowed: true),
        Case(host: "subdomain.localhost", patterns: ["localhost"], allowed: false),
        Case(host: "subdomain.localhost", patterns: ["localhost", "*.localhost"], allowed: true),
        Case(host: "a.b.localhost", patterns: ["localhost", "*.localhost", "**.localhost"], allowed: true),
        // should return false when allowedOrigins contains originDomain with non-matching pattern
        Case(host: "asdf.vercel.com", patterns: ["*.vercel.app"], allowed: false),
        Case(host: "asdf.jkl.vercel.com", patterns: ["*.vercel.com"], allowed: false),
        Case(host: "asdf.jkl.vercel.app", patterns: ["**.vercel.com"], allowed: false),
        // should return false when allowedOrigins does not contain originDomain
        Case(host: "vercel.com", patterns: ["nextjs.org"], allowed: false),
        // should return false when allowedOrigins is undefined / empty / empty string
        Case(host: "vercel.com", patterns: [], allowed: false),
        Case(host: "vercel.com", patterns: [""], allowed: false),
        // wildcards are only supported below the domain level
        Case(host: "vercel.com", patterns: ["*"], allowed: false),
        Case(host: "vercel.com", patterns: ["**"], allowed: false),
        // should match case-insensitively (RFC 1035)
        Case(host: "sub.VERCEL.com", patterns: ["*.vercel.com"], allowed: true),
        Case(host: "SUB.vercel.COM", patterns: ["*.vercel.com"], allowed: true),
        Case(host: "VERCEL.COM", patterns: ["vercel.com"], allowed: true),
        Case(host: "vercel.com", patterns: ["VERCEL.COM"], allowed: true),
        Case(host: "Sub.Vercel.Com", patterns: ["**.vercel.com"], allowed: true),
        // serverActions.allowedOrigins documentation: ports are literal
        Case(host: "my-proxy.com", patterns: ["my-proxy.com"], allowed: true),
        Case(host: "my-proxy.com:8443", patterns: ["my-proxy.com"], allowed: false),
        Case(host: "app.my-proxy.com", patterns: ["my-proxy.com"], allowed: false),
        Case(host: "app.my-proxy.com", patterns: ["*.my-proxy.com"], allowed: true),
        Case(host: "my-proxy.com", patterns: ["*.my-proxy.com"], allowed: false),
        Case(host: "app.my-proxy.com:8443", patterns: ["*.my-proxy.com"], allowed: false),
        Case(host: "app.my-proxy.com", patterns: ["**.my-proxy.com"], allowed: true),
        Case(host: "app.eu.my-proxy.com", patterns: ["**.my-proxy.com"], allowed: true),
        Case(host: "my-proxy.com", patterns: ["**.my-proxy.com"], allowed: false),
        Case(host: "my-proxy.com:8443", patterns: ["my-proxy.com:8443"], allowed: true),
        Case(host: "my-proxy.com", patterns: ["my-proxy.com:8443"], allowed: false),
        Case(host: "app.my-proxy.com:8443", patterns: ["*.my-proxy.com:8443"], allowed: true),
    ]

    @Test(arguments: table)
    func agreesWithNextJS(_ testCase: Case) {
        let entries = testCase.patterns.enumerated().compactMap { index, pattern in
            (try? OriginPattern(parsing: "https://" + pattern)).map {
                AllowedOrigins.Entry(line: index + 1, pattern: $0)
            }
        }
        let matcher = OriginMatcher(
            publicOrigins: [WebOrigin(scheme: .https, host: "gateway.invalid")],
            allowedOrigins: AllowedOrigins(entries: entries))
        let decision = matcher.check(origin: "https://" + testCase.host)
        #expect(decision.isAllowed == testCase.allowed, "\(decision)")
        if !testCase.allowed { #expect(decision == .rejected(.notAllowed)) }
    }

    @Test(arguments: ["", "*", "**"])
    func entriesThatNameEverythingOrNothingAreRefused(pattern: String) {
        #expect(throws: OriginSyntaxError.self) { try OriginPattern(parsing: "https://" + pattern) }
    }
}
