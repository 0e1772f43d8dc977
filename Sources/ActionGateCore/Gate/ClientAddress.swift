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
    public static func resolve(peer: IPAddress?, forwardedFor: [String], isTrusted: (IPAddress) -> Bool) -> IPAddress? {
        guard let peer else { return nil }
        guard isTrusted(peer) else { return peer }
        var nearest = peer
        var hops = 0
        for value in forwardedFor.reversed() {
            for entry in value.split(separator: ",", omittingEmptySubsequences: false).reversed() {
                hops &+= 1
                // A malformed entry or an over-long chain ends the walk: what lies beyond is unverifiable,
                // so the last address a trusted hop vouched for stands in for the client.
                guard hops <= maximumHops, let address = IPAddress(String(entry).trimmingASCIISpaces()) else {
                    return nearest
                }
                if !isTrusted(address) { return address }
                nearest = address
            }
        }
        return nearest
    }
}
