import Yams

/// `actions:` — the action list, its defaults and the Next.js manifest import.
extension ConfigurationDecoder {
    static let actionsKeys = ["unknown", "default_policy", "nextjs_manifest", "missing_origin", "list"]
    static let actionKeys = [
        "id", "path", "policy", "max_body", "content_types", "issues_session", "missing_origin", "bound_args",
        "enforce",
    ]

    /// Decodes `actions:`; warns about policies no action uses.
    func decodeActions(_ top: YAMLMapping, policies: DecodedPolicies, limits: LimitsConfiguration)
        -> ActionsConfiguration?
    {
        var referenced = Set<String>()
        defer {
            for (name, policyLine) in policies.lines.sorted(by: { $0.value < $1.value })
            where !referenced.contains(name) {
                warn(policyLine, "policies.\(name)", "not used by any action")
            }
        }
        guard let node = top["actions"] else { return ActionsConfiguration() }
        guard let map = mapping(node, "actions", allowed: Self.actionsKeys) else { return nil }
        let unknown = map["unknown"].flatMap {
            choice($0, "actions.unknown", ActionsConfiguration.UnknownActionPolicy.self)
        }
        let missingOrigin = map["missing_origin"].flatMap {
            choice($0, "actions.missing_origin", MissingOriginPolicy.self)
        }
        var defaultPolicy: String?
        if let defaultNode = map["default_policy"], let name = string(defaultNode, "actions.default_policy") {
            referenced.insert(name)
            if checkPolicyName(name, policies, defaultNode, "actions.default_policy") { defaultPolicy = name }
        }
        let defaults = ActionDefaults(
            policy: defaultPolicy, hasDefaultPolicy: map["default_policy"] != nil,
            missingOrigin: missingOrigin ?? .reject, limits: limits)
        var actions: [ActionConfiguration] = []
        var idLines: [String: (line: Int, key: String)] = [:]
        var pathKeys: [String: String] = [:]
        var loosePathKeys: [LoosePath: String] = [:]
        if let listNode = map["list"], let items = sequence(listNode, "actions.list", expected: "actions") {
            for item in items {
                guard let action = decodeAction(item.node, item.key, defaults, policies, &referenced) else { continue }
                let idLine = actionIDLine(item.node)
                if let first = idLines[action.id] {
                    error(idLine, "\(item.key).id", "the same id as \(first.key); each id may appear once")
                    continue
                }
                idLines[action.id] = (idLine, item.key)
                if let path = action.path {
                    if let first = pathKeys[path] {
                        error(idLine, "\(item.key).path", "the same path as \(first); each path may appear once")
                        continue
                    }
                    if let first = loosePathKeys[LoosePath(path)] {
                        error(
                            idLine, "\(item.key).path",
                            "differs from \(first)'s path only in case, trailing slashes or ;parameters, which "
                                + "many upstream routers ignore; give the actions paths that differ otherwise")
                        continue
                    }
                    loosePathKeys[LoosePath(path)] = item.key
                    pathKeys[path] = item.key
                }
                actions.append(action)
            }
        }
        var manifestPath: String?
        if let manifestNode = map["nextjs_manifest"], let path = path(manifestNode, "actions.nextjs_manifest") {
            manifestPath = path
            actions += importManifest(path, manifestNode, defaults, policies, idLines)
        }
        return ActionsConfiguration(
            unknown: unknown ?? .reject, defaultPolicy: defaultPolicy, nextjsManifest: manifestPath,
            missingOrigin: missingOrigin ?? .reject, list: actions)
    }

    private struct ActionDefaults {
        var policy: String?
        var hasDefaultPolicy: Bool
        var missingOrigin: MissingOriginPolicy
        var limits: LimitsConfiguration
    }

    private func checkPolicyName(_ name: String, _ policies: DecodedPolicies, _ node: Node, _ key: String) -> Bool {
        guard policies.lines[name] != nil else {
            let known = policies.lines.keys.sorted().joined(separator: ", ")
            error(
                line(node), key,
                known.isEmpty ? "unknown policy; no policies are defined" : "unknown policy; expected one of \(known)")
            return false
        }
        return true
    }

    private func actionIDLine(_ node: Node) -> Int {
        if case .mapping(let mapping) = node, let id = mapping["id"] { return line(id) }
        return line(node)
    }

    private func decodeAction(
        _ node: Node, _ key: String, _ defaults: ActionDefaults, _ policies: DecodedPolicies,
        _ referenced: inout Set<String>
    ) -> ActionConfiguration? {
        guard let map = mapping(node, key, allowed: Self.actionKeys) else { return nil }
        let start = errorCount
        var id: String?
        if let idNode = map["id"], let text = string(idNode, "\(key).id") {
            if ConfigurationDecoder.isName(text) {
                id = text
            } else {
                error(line(idNode), "\(key).id", "action ids use letters, digits, '.', '_' and '-' (at most 128)")
            }
        } else if map["id"] == nil {
            error(map.line, "\(key).id", "required")
        }
        var path: String?
        if let pathNode = map["path"], let text = string(pathNode, "\(key).path") {
            if ConfigurationDecoder.isPlainPath(text) {
                path = text
            } else {
                error(line(pathNode), "\(key).path", "expected an exact path starting with /, e.g. /actions/login")
            }
        }
        var policyName = defaults.policy
        if let policyNode = map["policy"], let name = string(policyNode, "\(key).policy") {
            referenced.insert(name)
            policyName = checkPolicyName(name, policies, policyNode, "\(key).policy") ? name : nil
        } else if map["policy"] == nil && !defaults.hasDefaultPolicy {
            error(map.line, "\(key).policy", "no policy, and no actions.default_policy: name a policy")
        }
        var maxBody = defaults.limits.maxBody
        if let bodyNode = map["max_body"], let size = positiveSize(bodyNode, "\(key).max_body") {
            maxBody = size
            if size > defaults.limits.maxBufferedBodyBytes {
                error(line(bodyNode), "\(key).max_body", "must not exceed limits.max_buffered_body_bytes")
            }
        }
        let contentTypes = map["content_types"].flatMap { decodeContentTypes($0, "\(key).content_types") }
        let issuesSession = map["issues_session"].flatMap { bool($0, "\(key).issues_session") } ?? false
        let missingOrigin = map["missing_origin"].flatMap {
            choice($0, "\(key).missing_origin", MissingOriginPolicy.self)
        }
        let boundArgs = map["bound_args"].flatMap {
            choice($0, "\(key).bound_args", ActionConfiguration.BoundArgumentsRequirement.self)
        }
        let enforce = map["enforce"].flatMap { bool($0, "\(key).enforce") } ?? true
        if let enforceNode = map["enforce"], !enforce {
            warn(
                line(enforceNode), "\(key).enforce",
                "shadow mode: policy denials are logged, and the request is forwarded")
        }
        guard errorCount == start, let id, let policyName, let policy = policies.policies[policyName] else {
            return nil
        }
        return ActionConfiguration(
            id: id, path: path, policy: policy, maxBody: maxBody,
            contentTypes: contentTypes ?? ActionConfiguration.defaultContentTypes, issuesSession: issuesSession,
            missingOrigin: missingOrigin ?? defaults.missingOrigin, boundArguments: boundArgs ?? .optional,
            enforce: enforce, source: .configured(line: map.line))
    }

    /// Media types like `application/json`: lowercase, without parameters.
    private func decodeContentTypes(_ node: Node, _ key: String) -> [String]? {
        guard let items = sequence(node, key, expected: "media types like application/json") else { return nil }
        guard !items.isEmpty else {
            error(line(node), key, "the list is empty; leave content_types out for the defaults")
            return nil
        }
        var types: [String] = []
        for item in items {
            guard let text = string(item.node, item.key) else { continue }
            let parts = text.lowercased().split(separator: "/", omittingEmptySubsequences: false)
            let token = Set("abcdefghijklmnopqrstuvwxyz0123456789!#$&^_.+-".utf8)
            guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy(token.contains) }) else {
                error(line(item.node), item.key, "expected a media type like application/json, without parameters")
                continue
            }
            types.append(text.lowercased())
        }
        return types.count == items.count ? types : nil
    }

    private func importManifest(
        _ path: String, _ node: Node, _ defaults: ActionDefaults, _ policies: DecodedPolicies,
        _ configured: [String: (line: Int, key: String)]
    ) -> [ActionConfiguration] {
        let key = "actions.nextjs_manifest"
        let bytes: [UInt8]
        do {
            bytes = try readFile(path)
        } catch {
            self.error(line(node), key, "cannot read \(path): \(error) (build the app first, or remove the key)")
            return []
        }
        let ids: [String]
        do {
            ids = try NextJSManifest.actionIDs(in: bytes)
        } catch {
            self.error(nil, nil, error.message, file: path)
            return []
        }
        guard let policyName = defaults.policy, let policy = policies.policies[policyName] else {
            if !defaults.hasDefaultPolicy {
                error(line(node), key, "imported actions get actions.default_policy: set one")
            }
            return []
        }
        var actions: [ActionConfiguration] = []
        for id in ids {
            if let conflict = configured[id] {
                error(conflict.line, "\(conflict.key).id", "also in the Next.js manifest \(path); remove one of them")
                continue
            }
            actions.append(
                ActionConfiguration(
                    id: id, policy: policy, maxBody: defaults.limits.maxBody, missingOrigin: defaults.missingOrigin,
                    source: .nextjsManifest))
        }
        return actions
    }
}
