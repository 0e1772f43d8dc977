extension Gate {
    /// Steps 1–3 of the head: the normalised target, the client behind trusted proxies, the public
    /// host (421 otherwise) and the route.
    func resolveContext(_ head: RequestHead) -> Result<RequestContext, Rejection> {
        let target: RequestPath
        do { target = try RequestPath(parsing: head.target) } catch {
            return .failure(Rejection(.malformedRequest, detail: "target: \(error.rawValue)"))
        }
        if let query = target.query, let key = NextInternalQuery.internalKey(in: query) {
            return .failure(Rejection(.malformedRequest, detail: "query: Next.js internal parameter \(key)"))
        }
        let peer = IPAddress(head.peerAddress)
        let trusted = peer.map { configuration.isTrustedProxy($0) } ?? false
        let hosts = head.headers.firstValue("Host")
        guard hosts.count == 1, var host = hosts.value else {
            return .failure(Rejection(.malformedRequest, detail: "\(hosts.count) Host fields"))
        }
        var proto: String?
        if trusted {
            // A trusted proxy speaks for the client: its first (client-facing) X-Forwarded-Host entry
            // is the host the browser addressed, and must still be a public host.
            if let forwarded = Self.firstEntry(head.headers.values("X-Forwarded-Host")) { host = forwarded }
            if let scheme = Self.firstEntry(head.headers.values("X-Forwarded-Proto"))?.lowercased(),
                scheme == "https" || scheme == "http"
            {
                proto = scheme
            }
        }
        guard configuration.originMatcher.isAllowedHost(host) else {
            return .failure(Rejection(.unknownHost))
        }
        guard let route = configuration.route(for: target.path) else {
            return .failure(Rejection(.noRoute))
        }
        let client = ClientAddress.resolve(
            peer: peer, forwardedFor: trusted ? head.headers.values("X-Forwarded-For") : [],
            isTrusted: { configuration.isTrustedProxy($0) })
        return .success(
            RequestContext(
                target: target, route: route, host: host, proto: proto ?? publicScheme(forHost: host),
                peerIsTrustedProxy: trusted, clientAddress: client))
    }

    /// The scheme of the public origin whose host the request named (the first origin's when the
    /// host matches several schemes, which a configuration rarely has).
    func publicScheme(forHost host: String) -> String {
        let origins = configuration.publicOrigins
        var host = host
        // The host up to its first `:`, lowercased, equals the origin's (canonical, lower-case) host;
        // compared in place, no copy on the request path.
        let match = host.withUTF8 { bytes in
            let bare = UnsafeBufferPointer(rebasing: bytes[..<(bytes.firstIndex(of: ASCII.colon) ?? bytes.endIndex)])
            return origins.first { origin in
                var name = origin.host
                return name.withUTF8 { ASCII.equalsLowercase(bare, $0) }
            }
        }
        return (match ?? origins.first)?.scheme.rawValue ?? "http"
    }

    /// The first comma-separated entry of the first field, trimmed; nil when empty.
    static func firstEntry(_ values: [String]) -> String? {
        guard let value = values.first,
            let entry = value.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false).first
        else { return nil }
        let trimmed = String(entry).trimmingASCIISpaces()
        return trimmed.isEmpty ? nil : trimmed
    }
}
