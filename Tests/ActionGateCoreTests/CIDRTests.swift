import Testing

@testable import ActionGateCore

@Suite struct CIDRTests {
    /// A network, an address, and whether the address is inside.
    static let containment: [(String, String, Bool)] = [
        ("10.0.0.0/8", "10.0.0.1", true),
        ("10.0.0.0/8", "10.255.255.255", true),
        ("10.0.0.0/8", "11.0.0.0", false),
        ("10.0.0.0/8", "::ffff:10.1.1.1", true),
        ("10.0.0.0/8", "::a01:101", false),
        ("192.168.1.0/24", "192.168.1.77", true),
        ("192.168.1.0/24", "192.168.2.1", false),
        ("0.0.0.0/0", "8.8.8.8", true),
        ("0.0.0.0/0", "::1", false),
        ("127.0.0.1", "127.0.0.1", true),
        ("127.0.0.1", "127.0.0.2", false),
        ("127.0.0.1/32", "127.0.0.1", true),
        ("172.16.0.0/12", "172.31.255.1", true),
        ("172.16.0.0/12", "172.32.0.1", false),
        ("fd00::/8", "fd12:3456::1", true),
        ("fd00::/8", "fe80::1", false),
        ("fd00::/8", "10.0.0.1", false),
        ("::/0", "2001:db8::1", true),
        ("::/0", "1.2.3.4", false),
        ("::1", "::1", true),
        ("::1/128", "::2", false),
        ("2001:db8::/32", "2001:db8:ffff::1", true),
        ("2001:db8::/32", "2001:db9::1", false),
        ("2001:db8:0:0:8000::/65", "2001:db8::8000:0:0:1", true),
        ("2001:db8::/65", "2001:db8::8000:0:0:1", false),
        ("2001:db8::/127", "2001:db8::1", true),
        ("::ffff:10.0.0.0/104", "10.2.3.4", true),
        ("::ffff:10.0.0.0/104", "11.2.3.4", false),
    ]

    @Test(arguments: containment)
    func decidesContainment(network: String, address: String, inside: Bool) throws {
        let cidr = try CIDR(parsing: network)
        let ip = try #require(IPAddress(address))
        #expect(cidr.contains(ip) == inside)
    }

    static let descriptions: [(String, String)] = [
        ("10.0.0.0/8", "10.0.0.0/8"),
        ("127.0.0.1", "127.0.0.1/32"),
        ("::1", "::1/128"),
        ("FD00::/8", "fd00::/8"),
        ("::ffff:10.0.0.0/104", "10.0.0.0/8"),
        ("0.0.0.0/0", "0.0.0.0/0"),
    ]

    @Test(arguments: descriptions)
    func printsNormalised(text: String, expected: String) throws {
        #expect(try CIDR(parsing: text).description == expected)
    }

    static let refusals: [(String, CIDR.ParseError)] = [
        ("", .notAnAddress),
        ("10.0.0/8", .notAnAddress),
        ("/8", .notAnAddress),
        ("example.com/8", .notAnAddress),
        ("10.0.0.0/", .badPrefixLength(maximum: 32)),
        ("10.0.0.0/33", .badPrefixLength(maximum: 32)),
        ("10.0.0.0/-1", .badPrefixLength(maximum: 32)),
        ("10.0.0.0/8/8", .badPrefixLength(maximum: 32)),
        ("10.0.0.0/ 8", .badPrefixLength(maximum: 32)),
        ("10.0.0.0/0008", .badPrefixLength(maximum: 32)),
        ("fd00::/129", .badPrefixLength(maximum: 128)),
        ("::ffff:10.0.0.0/95", .badPrefixLength(maximum: 128)),
        ("10.0.0.1/8", .hostBitsSet(suggestion: "10.0.0.0/8")),
        ("192.168.1.1/24", .hostBitsSet(suggestion: "192.168.1.0/24")),
        ("fd00::1/8", .hostBitsSet(suggestion: "fd00::/8")),
    ]

    @Test(arguments: refusals)
    func refusesBadNetworks(text: String, expected: CIDR.ParseError) {
        #expect(throws: expected) { try CIDR(parsing: text) }
    }

    @Test func buildsFromAnAddressClearingHostBits() throws {
        let address = try #require(IPAddress("10.1.2.3"))
        #expect(CIDR(address: address, prefixLength: 16)?.description == "10.1.0.0/16")
        #expect(CIDR(address: address, prefixLength: 33) == nil)
        #expect(CIDR(address: address, prefixLength: -1) == nil)
    }

    @Test func messagesSayWhatToWrite() {
        #expect(CIDR.ParseError.hostBitsSet(suggestion: "10.0.0.0/8").message.contains("did you mean 10.0.0.0/8"))
        #expect(CIDR.ParseError.notAnAddress.message.contains("10.0.0.0/8"))
    }
}
