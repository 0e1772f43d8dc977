import Yams

/// The top level of `config.yaml` and the sections without cross-references.
extension ConfigurationDecoder {
    static let topKeys = [
        "listen", "admin", "public_origins", "trusted_proxies", "allowed_origins_file", "keyring", "upstreams",
        "routes", "session", "limits", "bound_args", "actions", "policies", "log",
    ]

    /// Decodes the whole document; `nil` when there was any error (all of them are in `issues`).
    func decodeDocument(_ text: String) -> Configuration? {
        let root: Node
        do throws(YAMLExpansionLimit.Exceeded) {
            try YAMLExpansionLimit.standard.check(text)
        } catch {
            switch error.limit {
            case .nodes(let maximum):
                self.error(
                    error.line, nil,
                    "the document is too large: its aliases expand it past \(maximum) values; "
                        + "write the repeated values out or nest fewer aliases")
            case .depth(let maximum):
                self.error(error.line, nil, "the document nests more than \(maximum) levels deep")
            }
            return nil
        }
        do {
            guard let node = try Yams.compose(yaml: text, Resolver.basic) else {
                error(1, nil, "the file is empty; start from config.yaml.example")
                return nil
            }
            root = node
        } catch let yamlError as YamlError {
            reportYAMLError(yamlError)
            return nil
        } catch {
            self.error(nil, nil, "not valid YAML")
            return nil
        }
        guard let top = mapping(root, "", allowed: Self.topKeys) else { return nil }

        let listen = top["listen"].flatMap { decodeListen($0) } ?? [ListenAddress(host: "0.0.0.0", port: 8080)]
        let admin = top["admin"].flatMap { decodeAdmin($0) } ?? AdminConfiguration()
        let publicOrigins = decodePublicOrigins(top)
        let trustedProxies = top["trusted_proxies"].flatMap { cidrList($0, "trusted_proxies", allowEmpty: true) } ?? []
        let allowedOriginsFile = top["allowed_origins_file"].flatMap { path($0, "allowed_origins_file") }
        let allowedOrigins =
            top["allowed_origins_file"].flatMap { node in
                allowedOriginsFile.flatMap { readAllowedOrigins($0, line: line(node)) }
            } ?? .empty
        let keyring = top["keyring"].flatMap { path($0, "keyring") }
        if top["keyring"] == nil {
            warn(
                top.line, "keyring", "not set: sessions and bound arguments need a keyring file (actiongate keys init)")
        }
        let upstreams = decodeUpstreams(top)
        let limits = top["limits"].flatMap { decodeLimits($0) } ?? LimitsConfiguration()
        let routes = decodeRoutes(top, limits: limits)
        // Without a session section the defaults still get checked (a Secure cookie on an http origin).
        let session = decodeSession(top["session"] ?? Node([(Node, Node)]()), publicOrigins: publicOrigins ?? [])
        let boundArguments = top["bound_args"].flatMap { decodeBoundArguments($0) } ?? BoundArgumentsConfiguration()
        let policies = decodePolicies(top)
        let actions = decodeActions(top, policies: policies, limits: limits)
        let log = top["log"].flatMap { decodeLog($0) } ?? LogConfiguration()

        guard errorCount == 0, let publicOrigins, let upstreams, let routes, let actions else { return nil }
        return Configuration(
            sourcePath: file, listen: listen, admin: admin, publicOrigins: publicOrigins,
            trustedProxies: trustedProxies, allowedOriginsFile: allowedOriginsFile, allowedOrigins: allowedOrigins,
            keyring: keyring, upstreams: upstreams, routes: routes, session: session ?? SessionConfiguration(),
            limits: limits, boundArguments: boundArguments, actions: actions,
            policies: PolicySet(Array(policies.policies.values)), log: log,
            warnings: issues.filter { $0.severity == .warning }.sorted { ($0.line ?? 0) < ($1.line ?? 0) })
    }

    private func reportYAMLError(_ yamlError: YamlError) {
        switch yamlError {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            error(mark.line, nil, "invalid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let names = duplicates.prefix(5).joined(separator: ", ")
            error(context.mark.line, nil, "duplicate key (\(names)): each key may appear once in a mapping")
        case .reader(let problem, _, _, _):
            error(nil, nil, "invalid YAML: \(problem)")
        default:
            error(nil, nil, "invalid YAML")
        }
    }

    /// `listen`: one address or a list of them.
    private func decodeListen(_ node: Node) -> [ListenAddress]? {
        if case .sequence = node {
            guard let items = sequence(node, "listen", expected: "addresses like 0.0.0.0:8080") else { return nil }
            guard !items.isEmpty else {
                error(line(node), "listen", "the list is empty; give at least one address like 0.0.0.0:8080")
                return nil
            }
            var seen = Set<ListenAddress>()
            var addresses: [ListenAddress] = []
            for item in items {
                guard let address = listenAddress(item.node, item.key) else { continue }
                if !seen.insert(address).inserted { error(line(item.node), item.key, "listed twice") }
                addresses.append(address)
            }
            return addresses.count == items.count ? addresses : nil
        }
        return listenAddress(node, "listen").map { [$0] }
    }

    private func decodeAdmin(_ node: Node) -> AdminConfiguration? {
        guard let map = mapping(node, "admin", allowed: ["listen", "token_file"]) else { return nil }
        let listen = map["listen"].flatMap { listenAddress($0, "admin.listen") } ?? AdminConfiguration.defaultListen
        if !listen.isLoopback, let listenNode = map["listen"] {
            warn(
                line(listenNode), "admin.listen",
                "not a loopback address: keep the admin listener (metrics, sealing) off public networks")
        }
        let tokenFile = map["token_file"].flatMap { path($0, "admin.token_file") }
        return AdminConfiguration(listen: listen, tokenFile: tokenFile)
    }

    /// Values of `log.audit` that are refused rather than taken as a file name.
    static let notAFileName: Set<String> = [
        "false", "true", "no", "yes", "on", "none", "null", "~", "disabled", "enabled", "-", "stdin", "1", "0",
    ]

    /// `log: { audit: stdout | stderr | off | <path>, level: info }`.
    private func decodeLog(_ node: Node) -> LogConfiguration? {
        guard let map = mapping(node, "log", allowed: ["audit", "level"]) else { return nil }
        let defaults = LogConfiguration()
        var audit = defaults.audit
        if let auditNode = map["audit"],
            let text = string(auditNode, "log.audit", expected: "stdout, stderr, off or a path")
        {
            switch text {
            case "stdout": audit = .standardOutput
            case "stderr": audit = .standardError
            case "off": audit = .off
            default:
                // A word meant as a switch or a stream, mistyped, would otherwise be a file of that name.
                let lower = text.lowercased()
                if ["stdout", "stderr", "off"].contains(lower) {
                    error(
                        line(auditNode), "log.audit", "write \(lower) in lower case (\"\(text)\" would be a file name)")
                    return nil
                }
                if Self.notAFileName.contains(lower) {
                    error(
                        line(auditNode), "log.audit",
                        "\"\(text)\" is not an output: write off to turn the audit log off, stdout or stderr, "
                            + "or a path such as /var/log/actiongate/audit.log")
                    return nil
                }
                guard let file = path(auditNode, "log.audit") else { return nil }
                audit = .file(file)
            }
        }
        var level = defaults.level
        if let levelNode = map["level"], let text = string(levelNode, "log.level") {
            guard let parsed = LogConfiguration.Level(rawValue: text) else {
                let names = LogConfiguration.Level.allCases.map(\.rawValue).joined(separator: ", ")
                error(line(levelNode), "log.level", "unknown level; expected one of \(names)")
                return nil
            }
            level = parsed
        }
        return LogConfiguration(audit: audit, level: level)
    }

    private func decodePublicOrigins(_ top: YAMLMapping) -> [WebOrigin]? {
        guard let node = top["public_origins"] else {
            error(top.line, "public_origins", "required: the gateway's own origins, e.g. [https://app.example.com]")
            return nil
        }
        guard let items = sequence(node, "public_origins", expected: "origins like https://app.example.com") else {
            return nil
        }
        guard !items.isEmpty else {
            error(line(node), "public_origins", "the list is empty; give at least one origin")
            return nil
        }
        var seen = Set<WebOrigin>()
        var origins: [WebOrigin] = []
        for item in items {
            guard let origin = origin(item.node, item.key) else { continue }
            if !seen.insert(origin).inserted { error(line(item.node), item.key, "listed twice") }
            origins.append(origin)
        }
        return origins.count == items.count ? origins : nil
    }

    /// Reads and parses the allowed-origins file; refusals are reported against that file's lines.
    private func readAllowedOrigins(_ path: String, line: Int) -> AllowedOrigins? {
        let bytes: [UInt8]
        do {
            bytes = try readFile(path)
        } catch {
            self.error(line, "allowed_origins_file", "cannot read \(path): \(error)")
            return nil
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            error(line, "allowed_origins_file", "\(path) is not UTF-8 text")
            return nil
        }
        do {
            return try AllowedOrigins(parsing: text, publicSuffixes: publicSuffixes)
        } catch {
            for refusal in error.refusals {
                self.error(refusal.line, nil, refusal.message, file: path)
            }
            return nil
        }
    }

    private func decodeUpstreams(_ top: YAMLMapping) -> [String: UpstreamConfiguration]? {
        guard let node = top["upstreams"] else {
            error(top.line, "upstreams", "required: at least one upstream, e.g. app: { url: http://127.0.0.1:3000 }")
            return nil
        }
        guard let map = mapping(node, "upstreams", allowed: nil, expected: "a mapping of names to upstreams")
        else { return nil }
        guard !map.entries.isEmpty else {
            error(map.line, "upstreams", "no upstreams; add at least one")
            return nil
        }
        var upstreams: [String: UpstreamConfiguration] = [:]
        for entry in map.entries {
            let key = map.child(entry.name)
            if !ConfigurationDecoder.isName(entry.name) {
                error(entry.line, key, "upstream names use letters, digits, '.', '_' and '-'")
            }
            let fields = ["url", "max_connections", "connect_timeout", "timeout"]
            guard let upstream = mapping(entry.value, key, allowed: fields) else { continue }
            guard let urlNode = upstream["url"] else {
                error(upstream.line, "\(key).url", "required: e.g. http://127.0.0.1:3000")
                continue
            }
            guard let (host, port) = upstreamURL(urlNode, "\(key).url") else { continue }
            let maxConnections = upstream["max_connections"].flatMap {
                integer($0, "\(key).max_connections", range: 1...100_000)
            }
            let connect = upstream["connect_timeout"].flatMap { duration($0, "\(key).connect_timeout") }
            let timeout = upstream["timeout"].flatMap { duration($0, "\(key).timeout") }
            upstreams[entry.name] = UpstreamConfiguration(
                name: entry.name, host: host, port: port,
                maxConnections: maxConnections ?? UpstreamConfiguration.defaultMaxConnections,
                connectTimeout: connect ?? UpstreamConfiguration.defaultConnectTimeout,
                timeout: timeout ?? UpstreamConfiguration.defaultTimeout)
        }
        return upstreams
    }
}
