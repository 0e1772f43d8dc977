/// The client address behind trusted proxies (DESIGN.md "Headers").
///
/// The peer is the client unless it is a trusted proxy; then the client is the rightmost
/// `X-Forwarded-For` entry that is not itself a trusted proxy. Entries left of it were written by
/// the client and prove nothing. IPv4-mapped IPv6 addresses are compared as IPv4 (`IPAddress` does so).
public enum ClientAddress {
    /// The most `X-Forwarded-For` entries read from the right; a longer chain is cut there.
    public static let maximumHops = 32

    /// Resolves the client address.
    ///
    /// - Parameters:
    ///   - peer: the TCP peer, nil when unparseable (then nothing can be trusted and nil is returned).
    ///   - forwardedFor: every `X-Forwarded-For` value, in order (read only when the peer is trusted).
    ///   - isTrusted: membership in `trusted_proxies`.
    /// - Returns: the client, or nil when it is unknown: an entry a trusted hop wrote that is not an
    ///   address (`unknown`, an empty entry, junk) or a chain longer than `maximumHops`. The client is
    ///   then not the trusted proxy (which only relayed it), so `source_ip` matches nothing rather
    ///   than the proxy's network.
    public static func resolve(peer: IPAddress?, forwardedFor: [String], isTrusted: (IPAddress) -> Bool) -> IPAddress? {
        guard let peer else { return nil }
        guard isTrusted(peer) else { return peer }
        var nearest = peer
        var hops = 0
        for value in forwardedFor.reversed() {
            for entry in value.split(separator: ",", omittingEmptySubsequences: false).reversed() {
                hops &+= 1
                guard hops <= maximumHops, let address = forwardedAddress(entry) else { return nil }
                if !isTrusted(address) { return address }
                nearest = address
            }
        }
        return nearest
    }

    /// One `X-Forwarded-For` entry: an address as `192.0.2.1`, `2001:db8::1`, or with the port some
    /// proxies add (`192.0.2.1:4711`, `[2001:db8::1]:4711`, `[2001:db8::1]`); nil for anything else.
    static func forwardedAddress(_ entry: Substring) -> IPAddress? {
        let text = Substring(String(entry).trimmingASCIISpaces())
        if text.first == "[" {
            // Brackets hold an IPv6 address (IPv4-mapped included), never a bare IPv4 one.
            guard let close = text.firstIndex(of: "]") else { return nil }
            let inner = text[text.index(after: text.startIndex)..<close]
            guard inner.contains(":"), let address = IPAddress(inner) else { return nil }
            let rest = text[text.index(after: close)...]
            guard rest.isEmpty || (rest.first == ":" && isPort(rest.dropFirst())) else { return nil }
            return address
        }
        if let colon = text.firstIndex(of: ":"), text[text.index(after: colon)...].firstIndex(of: ":") == nil {
            // One colon: IPv4 with a port (an IPv6 address has at least two).
            guard isPort(text[text.index(after: colon)...]), let address = IPAddress(text[..<colon]),
                address.v4Value != nil
            else { return nil }
            return address
        }
        return IPAddress(text)
    }

    private static func isPort(_ text: Substring) -> Bool {
        guard (1...5).contains(text.utf8.count), text.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
            let value = Int(text)
        else { return false }
        return value <= 65535
    }
}
