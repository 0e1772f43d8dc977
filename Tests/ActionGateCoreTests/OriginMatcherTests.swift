import Testing

@testable import ActionGateCore

/// DESIGN.md "Origin check", rule by rule.
@Suite struct OriginMatcherTests {
    static let matcher: OriginMatcher = {
        let allowed = """
            # partners
            https://partner.example.org

            https://*.preview.example.net
            http://localhost:3000
            https://**.tenants.example.com:8443
            """
        return OriginMatcher(
            publicOrigins: [
                WebOrigin(scheme: .https, host: "app.example.com"),
                WebOrigin(scheme: .https, host: "www.example.com", port: 8443),
                WebOrigin(scheme: .http, host: "[::1]", port: 8080),
            ],
            allowedOrigins: try! AllowedOrigins(parsing: allowed, publicSuffixes: nil))
    }()

    static let singleValues: [(String, OriginDecision)] = [
        // public origins, default ports normalised, case-insensitive
        ("https://app.example.com", .allowed(.publicOrigin)),
        ("https://app.example.com:443", .allowed(.publicOrigin)),
        ("HTTPS://APP.Example.COM", .allowed(.publicOrigin)),
        ("  https://app.example.com\t", .allowed(.publicOrigin)),
        ("https://www.example.com:8443", .allowed(.publicOrigin)),
        ("https://www.example.com", .rejected(.notAllowed)),
        ("http://app.example.com", .rejected(.notAllowed)),
        ("https://app.example.com:8443", .rejected(.notAllowed)),
        ("http://[::1]:8080", .allowed(.publicOrigin)),
        // IPv6 hosts compare as addresses, whatever text form was sent.
        ("http://[0:0::1]:8080", .allowed(.publicOrigin)),
        ("http://[0000:0000:0000:0000:0000:0000:0000:0001]:8080", .allowed(.publicOrigin)),
        ("http://[::2]:8080", .rejected(.notAllowed)),
        // the allowed-origins file, with the line that matched
        ("https://partner.example.org", .allowed(.allowedOriginsEntry, line: 2)),
        ("https://partner.example.org:443", .allowed(.allowedOriginsEntry, line: 2)),
        ("http://partner.example.org", .rejected(.notAllowed)),
        ("https://pr-12.preview.example.net", .allowed(.allowedOriginsEntry, line: 4)),
        ("https://a.b.preview.example.net", .rejected(.notAllowed)),
        ("https://preview.example.net", .rejected(.notAllowed)),
        ("http://localhost:3000", .allowed(.allowedOriginsEntry, line: 5)),
        ("http://localhost", .rejected(.notAllowed)),
        ("https://localhost:3000", .rejected(.notAllowed)),
        ("https://eu.acme.tenants.example.com:8443", .allowed(.allowedOriginsEntry, line: 6)),
        ("https://acme.tenants.example.com", .rejected(.notAllowed)),
        ("https://tenants.example.com:8443", .rejected(.notAllowed)),
        ("https://evilapp.example.com", .rejected(.notAllowed)),
        ("https://app.example.com.evil.net", .rejected(.notAllowed)),
        ("https://xpartner.example.org", .rejected(.notAllowed)),
        // stricter than Next.js
        ("null", .rejected(.nullOrigin)),
        ("chrome-extension://abcdef", .rejected(.notAllowed)),
        ("file://localhost", .rejected(.notAllowed)),
        ("https://app.example.com, https://evil.net", .malformed(.multipleOrigins)),
        ("https://app.example.com https://evil.net", .malformed(.multipleOrigins)),
        ("https://app.example.com,", .malformed(.multipleOrigins)),
        ("", .malformed(.malformedOrigin)),
        ("   ", .malformed(.malformedOrigin)),
        ("NULL", .malformed(.malformedOrigin)),
        ("app.example.com", .malformed(.malformedOrigin)),
        ("//app.example.com", .malformed(.malformedOrigin)),
        ("https://", .malformed(.malformedOrigin)),
        ("https:app.example.com", .malformed(.malformedOrigin)),
        ("https://app.example.com/", .malformed(.malformedOrigin)),
        ("https://app.example.com/path", .malformed(.malformedOrigin)),
        ("https://app.example.com?x=1", .malformed(.malformedOrigin)),
        ("https://app.example.com#x", .malformed(.malformedOrigin)),
        ("https://user@app.example.com", .malformed(.malformedOrigin)),
        ("https://app.example.com:", .malformed(.malformedOrigin)),
        ("https://app.example.com:0", .malformed(.malformedOrigin)),
        ("https://app.example.com:0443", .malformed(.malformedOrigin)),
        ("https://app.example.com:65536", .malformed(.malformedOrigin)),
        ("https://app.example.com:44x", .malformed(.malformedOrigin)),
        ("https://app..example.com", .malformed(.malformedOrigin)),
        ("https://app.example.com.", .malformed(.malformedOrigin)),
        ("https://.app.example.com", .malformed(.malformedOrigin)),
        ("https://*.example.com", .malformed(.malformedOrigin)),
        ("https://app.exämple.com", .malformed(.malformedOrigin)),
        ("https://[::1", .malformed(.malformedOrigin)),
        ("https://[::ffff:1.2.3.4]", .malformed(.malformedOrigin)),
        ("https://[example]", .malformed(.malformedOrigin)),
        ("https://[]", .malformed(.malformedOrigin)),
        ("https://[]:443", .malformed(.malformedOrigin)),
        ("https://[:]", .malformed(.malformedOrigin)),
        ("https://app.example.com\r\n", .malformed(.malformedOrigin)),
        ("https://" + String(repeating: "a", count: 64) + ".example.com", .malformed(.malformedOrigin)),
    ]

    @Test(arguments: singleValues)
    func decidesOneOriginValue(origin: String, expected: OriginDecision) {
        #expect(Self.matcher.check(origin: origin) == expected)
        #expect(
            Self.matcher.check(originValues: [origin], secFetchSite: "same-origin", missingOrigin: .allow) == expected)
    }

    @Test func twoOriginLinesAreMalformed() {
        let decision = Self.matcher.check(
            originValues: ["https://app.example.com", "https://app.example.com"], secFetchSite: nil,
            missingOrigin: .allow)
        #expect(decision == .malformed(.multipleOrigins))
        #expect(decision.rejectionReason == .malformedOrigin)
    }

    static let missing: [(String?, MissingOriginPolicy, OriginDecision)] = [
        (nil, .reject, .rejected(.missingOrigin)),
        (nil, .allow, .allowed(.missingOriginAllowed)),
        ("same-origin", .reject, .allowed(.sameOriginFetch)),
        ("Same-Origin ", .reject, .allowed(.sameOriginFetch)),
        ("same-origin", .allow, .allowed(.sameOriginFetch)),
        ("cross-site", .reject, .rejected(.crossSiteWithoutOrigin)),
        ("cross-site", .allow, .rejected(.crossSiteWithoutOrigin)),
        ("same-site", .allow, .rejected(.crossSiteWithoutOrigin)),
        ("none", .reject, .rejected(.missingOrigin)),
        ("none", .allow, .allowed(.missingOriginAllowed)),
        ("garbage", .reject, .rejected(.missingOrigin)),
    ]

    @Test(arguments: missing)
    func decidesAMissingOrigin(site: String?, policy: MissingOriginPolicy, expected: OriginDecision) {
        #expect(Self.matcher.check(originValues: [], secFetchSite: site, missingOrigin: policy) == expected)
    }

    @Test func anAllowedOriginWinsOverCrossSiteFetchMetadata() {
        let decision = Self.matcher.check(
            originValues: ["https://partner.example.org"], secFetchSite: "cross-site", missingOrigin: .reject)
        #expect(decision == .allowed(.allowedOriginsEntry, line: 2))
    }

    static let hosts: [(String, Bool)] = [
        ("app.example.com", true),
        ("APP.example.com", true),
        ("app.example.com:443", true),
        (" app.example.com ", true),
        ("app.example.com:8443", false),
        ("app.example.com:80", false),
        ("www.example.com:8443", true),
        ("www.example.com", false),
        ("[::1]:8080", true),
        ("[0::0:1]:8080", true),
        ("[::2]:8080", false),
        ("[::1]", false),
        ("partner.example.org", false),
        ("pr-1.preview.example.net", false),
        ("evil.net", false),
        ("app.example.com.evil.net", false),
        ("", false),
        ("app.example.com:", false),
        ("app.example.com:x", false),
        ("user@app.example.com", false),
        ("app.example.com/path", false),
        ("app.example.com, evil.net", false),
    ]

    @Test(arguments: hosts)
    func acceptsOnlyPublicOriginHosts(host: String, allowed: Bool) {
        #expect(Self.matcher.isAllowedHost(host) == allowed)
    }

    @Test func mapsDecisionsToRejectionsAndCodes() {
        #expect(OriginDecision.allowed(.publicOrigin).rejectionReason == nil)
        #expect(OriginDecision.rejected(.nullOrigin).rejectionReason == .originRejected)
        #expect(OriginDecision.malformed(.malformedOrigin).rejectionReason == .malformedOrigin)
        #expect(OriginDecision.rejected(.nullOrigin).code == "null_origin")
        #expect(OriginDecision.allowed(.allowedOriginsEntry, line: 3).code == "allowed_origins_entry")
    }

    @Test func manyExactEntriesAreAllFound() throws {
        let text = (0..<500).map { "https://site\($0).example.com" }.joined(separator: "\n")
        let matcher = OriginMatcher(
            publicOrigins: [WebOrigin(scheme: .https, host: "app.example.com")],
            allowedOrigins: try AllowedOrigins(parsing: text, publicSuffixes: nil))
        for index in [0, 1, 250, 499] {
            #expect(
                matcher.check(origin: "https://SITE\(index).example.com")
                    == .allowed(.allowedOriginsEntry, line: index + 1))
        }
        #expect(matcher.check(origin: "https://site500.example.com") == .rejected(.notAllowed))
    }
}
