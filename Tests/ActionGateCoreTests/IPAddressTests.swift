import Testing

@testable import ActionGateCore

@Suite struct IPAddressTests {
    /// Valid text, its family, and the canonical text it prints as.
    static let valid: [(String, IPAddress.Family, String)] = [
        ("0.0.0.0", .v4, "0.0.0.0"),
        ("127.0.0.1", .v4, "127.0.0.1"),
        ("255.255.255.255", .v4, "255.255.255.255"),
        ("10.0.0.1", .v4, "10.0.0.1"),
        ("::", .v6, "::"),
        ("::1", .v6, "::1"),
        ("2001:db8::1", .v6, "2001:db8::1"),
        ("2001:DB8:0:0:0:0:0:1", .v6, "2001:db8::1"),
        ("2001:db8:0:0:1:0:0:1", .v6, "2001:db8::1:0:0:1"),
        ("fe80::", .v6, "fe80::"),
        ("1:2:3:4:5:6:7:8", .v6, "1:2:3:4:5:6:7:8"),
        ("1:0:3:4:5:6:7:8", .v6, "1:0:3:4:5:6:7:8"),
        ("1::8", .v6, "1::8"),
        ("::ffff:10.0.0.1", .v4, "10.0.0.1"),
        ("::FFFF:192.168.1.1", .v4, "192.168.1.1"),
        ("::ffff:c0a8:101", .v4, "192.168.1.1"),
        ("0:0:0:0:0:ffff:7f00:1", .v4, "127.0.0.1"),
        ("64:ff9b::1.2.3.4", .v6, "64:ff9b::102:304"),
        ("::1.2.3.4", .v6, "::102:304"),
    ]

    @Test(arguments: valid)
    func parsesAndPrintsCanonically(text: String, family: IPAddress.Family, canonical: String) throws {
        let address = try #require(IPAddress(text))
        #expect(address.family == family)
        #expect(address.description == canonical)
        #expect(IPAddress(canonical) == address)
    }

    static let invalid = [
        "", " ", "1.2.3", "1.2.3.4.5", "256.0.0.1", "1.2.3.-1", "01.2.3.4", "1.2.3.04", "1..2.3", "1.2.3.4 ",
        " 1.2.3.4", "a.b.c.d", "1.2.3.4/8", ":", ":::", "1:2", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9",
        "1:2:3:4:5:6:7", "::1%eth0", "[::1]", "1:2:3:4:5:6:7::8", "::ffff:1.2.3", "::1.2.3.4:5", "1:", "g::1",
        "1.2.3.4::", "fe80::1:", "1:2:3:4:5:6:1.2.3.4:8", "::ffff:256.1.1.1", "١.٢.٣.٤",
        String(repeating: "1", count: 100),
    ]

    @Test(arguments: invalid)
    func refusesMalformedText(text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test func mappedAddressesEqualTheirIPv4Form() {
        #expect(IPAddress("::ffff:10.1.2.3") == IPAddress("10.1.2.3"))
        #expect(IPAddress(v6: 0, 0xFFFF_0A01_0203) == IPAddress(v4: 0x0A01_0203))
        #expect(IPAddress("::10.1.2.3") != IPAddress("10.1.2.3"))
    }

    @Test func exposesTheIPv4Value() {
        #expect(IPAddress("1.2.3.4")?.v4Value == 0x0102_0304)
        #expect(IPAddress("::1")?.v4Value == nil)
    }

    @Test func printsEveryIPv4OctetWidthAsDottedDecimal() {
        // Octets of 1, 2 and 3 digits in every position, then random addresses: printed as the
        // decimal of each octet, and read back to the same address.
        var values: [UInt32] = [0, 0xFFFF_FFFF, 0x0A00_0001, 0x7F00_0001, 0x6463_0A09, 0x0964_630A]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 { values.append(generator.next()) }
        for value in values {
            let address = IPAddress(v4: value)
            let expected = [24, 16, 8, 0].map { String((value >> UInt32($0)) & 0xFF) }.joined(separator: ".")
            #expect(address.description == expected)
            #expect(IPAddress(address.description) == address)
        }
    }

    @Test func parsesSubstrings() {
        let text = "10.0.0.1/8"
        #expect(IPAddress(text.prefix(8)) == IPAddress("10.0.0.1"))
    }
}
