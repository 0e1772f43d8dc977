import ActionGateCore
import Testing

/// The client behind trusted proxies: the rightmost `X-Forwarded-For` entry that is not a trusted
/// proxy, and unknown (never the proxy) when a trusted hop wrote something that is not an address.
@Suite struct ClientAddressTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var label: String
        var peer: String
        var forwardedFor: [String]
        var client: String?
        var testDescription: String { label }
    }

    static let trustedNetwork = try! CIDR(parsing: "10.0.0.0/8")

    static let cases: [Case] = [
        Case(
            label: "an untrusted peer is the client, whatever it sends", peer: "203.0.113.9",
            forwardedFor: ["10.0.0.1"], client: "203.0.113.9"),
        Case(
            label: "a trusted peer without the header is the client", peer: "10.0.0.1", forwardedFor: [],
            client: "10.0.0.1"),
        Case(
            label: "the rightmost untrusted entry", peer: "10.0.0.1",
            forwardedFor: ["198.51.100.1, 203.0.113.9, 10.0.0.5"], client: "203.0.113.9"),
        Case(
            label: "entries over several fields", peer: "10.0.0.1", forwardedFor: ["198.51.100.1", "203.0.113.9"],
            client: "203.0.113.9"),
        Case(
            label: "junk left of the client is the client's own", peer: "10.0.0.1",
            forwardedFor: ["unknown, 203.0.113.9"], client: "203.0.113.9"),
        Case(label: "IPv4 with a port", peer: "10.0.0.1", forwardedFor: ["203.0.113.9:4711"], client: "203.0.113.9"),
        Case(label: "bracketed IPv6", peer: "10.0.0.1", forwardedFor: ["[2001:db8::1]"], client: "2001:db8::1"),
        Case(
            label: "bracketed IPv6 with a port", peer: "10.0.0.1", forwardedFor: ["[2001:db8::1]:443"],
            client: "2001:db8::1"),
        Case(label: "bare IPv6", peer: "10.0.0.1", forwardedFor: [" 2001:db8::1 "], client: "2001:db8::1"),
        Case(
            label: "IPv4-mapped, in brackets", peer: "10.0.0.1", forwardedFor: ["[::ffff:203.0.113.9]:1"],
            client: "203.0.113.9"),
        Case(
            label: "every entry trusted: the leftmost", peer: "10.0.0.1", forwardedFor: ["10.9.9.9, 10.0.0.5"],
            client: "10.9.9.9"),
        // Unknown: what a trusted hop wrote is not an address. Never the proxy's own address.
        Case(label: "unknown", peer: "10.0.0.1", forwardedFor: ["unknown"], client: nil),
        Case(label: "an empty entry", peer: "10.0.0.1", forwardedFor: ["203.0.113.9,"], client: nil),
        Case(label: "an empty field", peer: "10.0.0.1", forwardedFor: [""], client: nil),
        Case(
            label: "junk behind a trusted hop", peer: "10.0.0.1", forwardedFor: ["203.0.113.9, junk, 10.0.0.5"],
            client: nil),
        Case(label: "a port out of range", peer: "10.0.0.1", forwardedFor: ["203.0.113.9:65536"], client: nil),
        Case(label: "an empty port", peer: "10.0.0.1", forwardedFor: ["203.0.113.9:"], client: nil),
        Case(label: "IPv4 in brackets", peer: "10.0.0.1", forwardedFor: ["[203.0.113.9]"], client: nil),
        Case(label: "an unclosed bracket", peer: "10.0.0.1", forwardedFor: ["[2001:db8::1"], client: nil),
        Case(label: "bytes after the bracket", peer: "10.0.0.1", forwardedFor: ["[2001:db8::1]x"], client: nil),
        Case(label: "a zone", peer: "10.0.0.1", forwardedFor: ["fe80::1%eth0"], client: nil),
        Case(
            label: "a chain longer than the limit", peer: "10.0.0.1",
            forwardedFor: [Array(repeating: "10.0.0.9", count: ClientAddress.maximumHops + 1).joined(separator: ", ")],
            client: nil),
    ]

    @Test(arguments: cases)
    func resolves(_ example: Case) {
        let client = ClientAddress.resolve(
            peer: IPAddress(example.peer), forwardedFor: example.forwardedFor,
            isTrusted: { Self.trustedNetwork.contains($0) })
        #expect(client?.description == example.client)
    }

    @Test func theLongestChainWithinTheLimitResolves() {
        let chain = Array(repeating: "10.0.0.9", count: ClientAddress.maximumHops - 1) + ["203.0.113.9"]
        let client = ClientAddress.resolve(
            peer: IPAddress("10.0.0.1"), forwardedFor: [chain.reversed().joined(separator: ",")],
            isTrusted: { Self.trustedNetwork.contains($0) })
        #expect(client?.description == "203.0.113.9")
    }
}
