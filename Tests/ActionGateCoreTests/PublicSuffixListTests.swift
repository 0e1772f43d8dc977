import Testing

@testable import ActionGateCore

@Suite struct PublicSuffixListTests {
    static let list = PublicSuffixList(
        text: """
            // ===BEGIN ICANN DOMAINS===
            com
            co.uk
            uk
            *.ck
            !www.ck
            рф
            ак.срб
            // ===BEGIN PRIVATE DOMAINS===
            vercel.app   trailing text is ignored
            """)

    static let cases: [(String, Bool)] = [
        ("com", true), ("example.com", false), ("co.uk", true), ("example.co.uk", false), ("uk", true),
        ("anything.ck", true), ("www.ck", false), ("a.anything.ck", false), ("xn--p1ai", true),
        ("example.xn--p1ai", false), ("xn--80au.xn--90a3ac", true), ("vercel.app", true), ("myapp.vercel.app", false),
        ("localhost", true), ("internal", true), ("foo.localhost", false),
    ]

    @Test(arguments: cases)
    func decidesPublicSuffixes(domain: String, isSuffix: Bool) {
        #expect(Self.list.isPublicSuffix(domain) == isSuffix)
    }

    @Test(arguments: [("bücher", "xn--bcher-kva"), ("рф", "xn--p1ai"), ("example", "example"), ("ак", "xn--80au")])
    func encodesPunycode(label: String, ascii: String) {
        #expect(Punycode.encodeLabel(label) == ascii)
    }

    /// The tests need Debian's list (`.ci/run` installs it); without it they fail here, saying so,
    /// rather than passing with the weaker fallback rule.
    @Test func theSystemListIsInstalledAndUsed() throws {
        let system = try #require(
            PublicSuffixList.system, "install Debian's publicsuffix package: apt-get install -y publicsuffix")
        #expect(system.count > 1000)
        #expect(system.isPublicSuffix("co.uk"))
        #expect(system.isPublicSuffix("vercel.app"))
        #expect(!system.isPublicSuffix("example.com"))
    }
}
