import Yams

/// `routes`, `session`, `limits` and `bound_args`.
extension ConfigurationDecoder {
    /// The names declared under a mapping, valid or not (so one broken entry does not also make every
    /// reference to it an "unknown name" error).
    func declaredNames(_ node: Node?) -> Set<String> {
        guard case .mapping(let mapping)? = node else { return [] }
        return Set(mapping.keys.compactMap { $0.scalar?.string })
    }

    func decodeRoutes(_ top: YAMLMapping, limits: LimitsConfiguration) -> [RouteConfiguration]? {
        guard let node = top["routes"] else {
            error(top.line, "routes", "required: e.g. - { path_prefix: /, upstream: app, mode: actions }")
            return nil
        }
        guard let items = sequence(node, "routes", expected: "routes") else { return nil }
        guard !items.isEmpty else {
            error(line(node), "routes", "the list is empty; add at least one route")
            return nil
        }
        let upstreams = declaredNames(top["upstreams"])
        var routes: [RouteConfiguration] = []
        var prefixes: [String: String] = [:]
        for item in items {
            let fields = ["path_prefix", "upstream", "mode", "methods", "max_body"]
            guard let route = mapping(item.node, item.key, allowed: fields) else { continue }
            var valid = true
            var prefix = ""
            if let prefixNode = route["path_prefix"], let text = string(prefixNode, "\(item.key).path_prefix") {
                prefix = text
                if !ConfigurationDecoder.isPlainPath(text) {
                    error(line(prefixNode), "\(item.key).path_prefix", "expected a path starting with /, e.g. /api/")
                    valid = false
                } else if let first = prefixes[text] {
                    error(
                        line(prefixNode), "\(item.key).path_prefix", "the same prefix as \(first); each may appear once"
                    )
                    valid = false
                } else {
                    prefixes[text] = item.key
                }
            } else {
                if route["path_prefix"] == nil { error(route.line, "\(item.key).path_prefix", "required, e.g. /") }
                valid = false
            }
            var upstream = ""
            if let upstreamNode = route["upstream"], let name = string(upstreamNode, "\(item.key).upstream") {
                upstream = name
                if !upstreams.contains(name) {
                    let known = upstreams.sorted().joined(separator: ", ")
                    error(line(upstreamNode), "\(item.key).upstream", "unknown upstream; expected one of \(known)")
                    valid = false
                }
            } else {
                if route["upstream"] == nil { error(route.line, "\(item.key).upstream", "required") }
                valid = false
            }
            let mode = route["mode"].map { choice($0, "\(item.key).mode", RouteConfiguration.Mode.self) } ?? .actions
            var methods: [String] = []
            if let methodsNode = route["methods"] {
                if mode != .passthrough {
                    error(line(methodsNode), "\(item.key).methods", "only passthrough routes take methods")
                    valid = false
                } else {
                    methods = decodeMethods(methodsNode, "\(item.key).methods") ?? []
                }
            } else if mode == .passthrough {
                methods = RouteConfiguration.defaultPassthroughMethods
            }
            let maxBody = route["max_body"].flatMap { byteSize($0, "\(item.key).max_body") } ?? limits.maxBody
            guard valid, let mode else { continue }
            routes.append(
                RouteConfiguration(
                    pathPrefix: prefix, upstream: upstream, mode: mode, methods: methods, maxBody: maxBody))
        }
        if !prefixes.keys.contains("/") {
            warn(line(node), "routes", "no route has path_prefix /: requests outside the listed prefixes get 404")
        }
        return routes
    }

    private func decodeMethods(_ node: Node, _ key: String) -> [String]? {
        guard let items = sequence(node, key, expected: "methods like GET") else { return nil }
        guard !items.isEmpty else {
            error(line(node), key, "the list is empty; leave methods out for GET and HEAD")
            return nil
        }
        var methods: [String] = []
        for item in items {
            guard let method = string(item.node, item.key) else { continue }
            guard !method.isEmpty, method.count <= 20, method.utf8.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }) else {
                error(line(item.node), item.key, "methods are upper-case names like GET, HEAD or OPTIONS")
                continue
            }
            if method == "CONNECT" {
                error(line(item.node), item.key, "CONNECT cannot be proxied")
                continue
            }
            if !methods.contains(method) { methods.append(method) }
        }
        return methods
    }

    func decodeSession(_ node: Node, publicOrigins: [WebOrigin]) -> SessionConfiguration? {
        let fields = ["cookie", "ttl", "refresh_after", "max_age", "secure", "clock_skew"]
        guard let map = mapping(node, "session", allowed: fields) else { return nil }
        let defaults = SessionConfiguration()
        var cookie = defaults.cookie
        if let cookieNode = map["cookie"], let name = string(cookieNode, "session.cookie") {
            let separators = Set("()<>@,;:\\\"/[]?={} \t".utf8)
            if name.isEmpty || name.utf8.count > 64
                || !name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && !separators.contains($0) })
            {
                error(line(cookieNode), "session.cookie", "expected a cookie name (letters, digits, - and _)")
            }
            cookie = name
        }
        let ttl = map["ttl"].flatMap { duration($0, "session.ttl") } ?? defaults.ttl
        let refreshAfter =
            map["refresh_after"].flatMap { duration($0, "session.refresh_after") } ?? defaults.refreshAfter
        let maxAge = map["max_age"].flatMap { duration($0, "session.max_age") } ?? defaults.maxAge
        let secure = map["secure"].flatMap { bool($0, "session.secure") } ?? defaults.secure
        let clockSkew =
            map["clock_skew"].flatMap { duration($0, "session.clock_skew", positive: false) }
            ?? defaults.clockSkew
        let secureLine = map["secure"].map(line) ?? map.line
        // Browsers match the prefixes in any case (RFC 6265bis): `__host-` is `__Host-` to them.
        let lowercased = cookie.lowercased()
        if !secure && (lowercased.hasPrefix("__host-") || lowercased.hasPrefix("__secure-")) {
            error(
                secureLine, "session.secure",
                "browsers refuse a \(lowercased.hasPrefix("__host-") ? "__Host-" : "__Secure-") cookie without Secure: "
                    + "rename the cookie (e.g. cookie: actiongate) for local plain-HTTP work, or set secure: true")
        }
        if refreshAfter >= ttl {
            error(
                map["refresh_after"].map(line) ?? map.line, "session.refresh_after", "must be shorter than ttl (\(ttl))"
            )
        }
        if ttl > maxAge {
            error(map["ttl"].map(line) ?? map.line, "session.ttl", "must not be longer than max_age (\(maxAge))")
        }
        if clockSkew > .seconds(600) {
            error(map["clock_skew"].map(line) ?? map.line, "session.clock_skew", "must be at most 10m")
        }
        if secure {
            for origin in publicOrigins where origin.scheme == .http && origin.host != "localhost" {
                warn(secureLine, "session.secure", "\(origin) is plain http: browsers drop Secure cookies there")
            }
        }
        return SessionConfiguration(
            cookie: cookie, ttl: ttl, refreshAfter: refreshAfter, maxAge: maxAge, secure: secure, clockSkew: clockSkew)
    }

    func decodeLimits(_ node: Node) -> LimitsConfiguration? {
        let fields = [
            "max_body", "max_header_bytes", "header_timeout", "body_timeout", "idle_timeout", "max_connections",
            "max_buffered_body_bytes",
        ]
        guard let map = mapping(node, "limits", allowed: fields) else { return nil }
        let d = LimitsConfiguration()
        let maxBody = map["max_body"].flatMap { positiveSize($0, "limits.max_body") } ?? d.maxBody
        var maxHeader = map["max_header_bytes"].flatMap { byteSize($0, "limits.max_header_bytes") } ?? d.maxHeaderBytes
        if let headerNode = map["max_header_bytes"], !(1024...(1 << 20)).contains(maxHeader.bytes) {
            error(line(headerNode), "limits.max_header_bytes", "must be between 1KiB and 1MiB")
            maxHeader = d.maxHeaderBytes
        }
        var buffered =
            map["max_buffered_body_bytes"].flatMap { positiveSize($0, "limits.max_buffered_body_bytes") }
            ?? d.maxBufferedBodyBytes
        // Every body the gateway reads whole is held in one buffer, and SwiftNIO's buffers stop (trap)
        // at 4 GiB: a body that size would end the process. 1 GiB bounds them with room to spare.
        if let node = map["max_buffered_body_bytes"], buffered.bytes > LimitsConfiguration.maximumBufferedBodyBytes {
            error(
                line(node), "limits.max_buffered_body_bytes",
                "at most 1GiB: bodies the gateway reads are held whole in memory; "
                    + "stream larger uploads through a passthrough route")
            buffered = d.maxBufferedBodyBytes
        }
        if maxBody > buffered {
            error(
                map["max_body"].map(line) ?? map.line, "limits.max_body",
                "must not exceed max_buffered_body_bytes (\(buffered))")
        }
        return LimitsConfiguration(
            maxBody: maxBody, maxHeaderBytes: maxHeader,
            headerTimeout: map["header_timeout"].flatMap { duration($0, "limits.header_timeout") } ?? d.headerTimeout,
            bodyTimeout: map["body_timeout"].flatMap { duration($0, "limits.body_timeout") } ?? d.bodyTimeout,
            idleTimeout: map["idle_timeout"].flatMap { duration($0, "limits.idle_timeout") } ?? d.idleTimeout,
            maxConnections: map["max_connections"].flatMap {
                integer($0, "limits.max_connections", range: 1...1_000_000)
            } ?? d.maxConnections,
            maxBufferedBodyBytes: buffered)
    }

    func decodeBoundArguments(_ node: Node) -> BoundArgumentsConfiguration? {
        guard let map = mapping(node, "bound_args", allowed: ["max_ttl", "max_size"]) else { return nil }
        let d = BoundArgumentsConfiguration()
        return BoundArgumentsConfiguration(
            maxTTL: map["max_ttl"].flatMap { duration($0, "bound_args.max_ttl") } ?? d.maxTTL,
            maxSize: map["max_size"].flatMap { positiveSize($0, "bound_args.max_size") } ?? d.maxSize)
    }

    /// A size larger than zero.
    func positiveSize(_ node: Node, _ key: String) -> ByteSize? {
        guard let size = byteSize(node, key) else { return nil }
        guard size.bytes > 0 else {
            error(line(node), key, "must be larger than zero")
            return nil
        }
        return size
    }
}
