import Testing

@testable import ActionGateCore

@Suite struct AllowedOriginsTests {
    static let suffixes = PublicSuffixList(
        text: """
            // a small excerpt of the public suffix list
            com
            uk
            co.uk
            app
            vercel.app
            *.ck
            !www.ck
            рф
            """)

    @Test func readsEntriesWithTheirLines() throws {
        let text = """
            # Allowed origins for the partner portal
            https://partner.example.org   # the main partner

            \thttps://*.preview.example.net\r
            http://localhost:3000
            """
        let file = try AllowedOrigins(parsing: text, publicSuffixes: Self.suffixes)
        #expect(file.entries.map(\.line) == [2, 4, 5])
        #expect(
            file.entries.map(\.pattern.description) == [
                "https://partner.example.org", "https://*.preview.example.net", "http://localhost:3000",
            ])
    }

    @Test func windowsLineEndingsKeepLineNumbers() throws {
        let file = try AllowedOrigins(parsing: "# a\r\n\r\nhttps://a.example.com\r\n", publicSuffixes: nil)
        #expect(file.entries.map(\.line) == [3])
    }

    @Test func anEmptyFileAllowsNothingExtra() throws {
        #expect(try AllowedOrigins(parsing: "", publicSuffixes: nil).entries.isEmpty)
        #expect(try AllowedOrigins(parsing: "\n# only comments\n\n", publicSuffixes: nil).entries.isEmpty)
    }

    /// One bad line at a time, with the public suffix list: (line text, expected message fragment).
    static let refusedWithList: [(String, String)] = [
        ("example.com", "no scheme"),
        ("*.example.com", "no scheme"),
        ("https://example.com/", "no path"),
        ("https://example.com/login", "no path"),
        ("https://example.com?a=1", "no query"),
        ("https://example.com#frag", "no fragment"),
        ("https://user@example.com", "no user name"),
        ("https://*.com", "public suffix com"),
        ("https://**.com", "public suffix com"),
        ("https://*.co.uk", "public suffix co.uk"),
        ("https://**.co.uk", "public suffix co.uk"),
        ("https://*.vercel.app", "public suffix vercel.app"),
        ("https://*.anything.ck", "public suffix anything.ck"),
        ("https://*.xn--p1ai", "public suffix xn--p1ai"),
        ("https://*.localhost", "public suffix localhost"),
        ("http://*.0.0.1", "IP addresses"),
        ("http://192.168.*.1", "IP addresses"),
        ("https://app-*.example.com", "partial-label"),
        ("https://a.**.example.com", "left-most"),
        ("https://*", "literal domain"),
        ("https://a.com https://b.com", "one origin per line"),
        ("ftp://example.com", "only http:// and https://"),
        ("https://" + String(repeating: "a", count: 2100) + ".com", "line too long"),
    ]

    @Test(arguments: refusedWithList)
    func refusesWithTheLineNumber(line: String, message: String) {
        let text = "# header\nhttps://ok.example.com\n\(line)\nhttps://ok2.example.com\n"
        #expect {
            try AllowedOrigins(parsing: text, publicSuffixes: Self.suffixes)
        } throws: { error in
            guard let error = error as? AllowedOrigins.ParseError, error.refusals.count == 1 else { return false }
            return error.refusals[0].line == 3 && error.refusals[0].message.contains(message)
        }
    }

    @Test(arguments: [
        "https://*.example.com", "https://**.example.co.uk", "https://*.myapp.vercel.app", "https://*.www.ck",
        "https://*.foo.localhost", "https://a.*.example.com",
    ])
    func acceptsWildcardsUnderARegistrableDomain(line: String) throws {
        #expect(try AllowedOrigins(parsing: line, publicSuffixes: Self.suffixes).entries.count == 1)
    }

    @Test func withoutTheListAWildcardNeedsTwoLiteralLabels() throws {
        #expect(try AllowedOrigins(parsing: "https://*.example.com", publicSuffixes: nil).entries.count == 1)
        // Without the list, *.vercel.app cannot be told from *.example.com: both have two labels.
        #expect(try AllowedOrigins(parsing: "https://*.vercel.app", publicSuffixes: nil).entries.count == 1)
        #expect {
            try AllowedOrigins(parsing: "\n\nhttps://*.com", publicSuffixes: nil)
        } throws: { error in
            (error as? AllowedOrigins.ParseError)?.refusals == [
                AllowedOrigins.Refusal(line: 3, message: OriginSyntaxError.wildcardNeedsTwoLabels.message)
            ]
        }
    }

    @Test func reportsEveryRefusedLineAtOnce() {
        let text = "example.com\nhttps://ok.example.com\nhttps://*.com\n\nhttps://x.com/path\n"
        #expect {
            try AllowedOrigins(parsing: text, publicSuffixes: Self.suffixes)
        } throws: { error in
            (error as? AllowedOrigins.ParseError)?.refusals.map(\.line) == [1, 3, 5]
        }
    }

    @Test func refusalsNeverEchoTheLine() {
        let secret = "https://secret-token-1234@example.com"
        #expect {
            try AllowedOrigins(parsing: secret, publicSuffixes: nil)
        } throws: { error in
            guard let error = error as? AllowedOrigins.ParseError else { return false }
            return !error.refusals[0].description.contains("secret-token")
        }
    }
}
