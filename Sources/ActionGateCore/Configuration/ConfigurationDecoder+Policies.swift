import ActionGateCrypto
import Yams

/// The policies declared under `policies:`: the valid ones, and every declared name with its line.
struct DecodedPolicies {
    var policies: [String: Policy] = [:]
    var lines: [String: Int] = [:]
}

/// `policies:` — the policy language of DESIGN.md.
extension ConfigurationDecoder {
    static let criteria = ["anyone", "authenticated", "subject", "claims", "source_ip"]

    func decodePolicies(_ top: YAMLMapping) -> DecodedPolicies {
        var result = DecodedPolicies()
        guard let node = top["policies"],
            let map = mapping(node, "policies", allowed: nil, expected: "a mapping of names to policies")
        else { return result }
        for entry in map.entries {
            let key = map.child(entry.name)
            result.lines[entry.name] = entry.line
            if !ConfigurationDecoder.isName(entry.name) {
                error(entry.line, key, "policy names use letters, digits, '.', '_' and '-'")
                continue
            }
            guard let policy = mapping(entry.value, key, allowed: ["allow", "deny"]) else { continue }
            let allow = policy["allow"].flatMap { decodeRules($0, "\(key).allow") }
            var deny: [PolicyRule]? = []
            if let denyNode = policy["deny"] { deny = decodeRules(denyNode, "\(key).deny") }
            if policy["allow"] == nil || allow?.isEmpty == true {
                error(
                    policy["allow"].map(line) ?? policy.line, "\(key).allow",
                    "a policy needs at least one allow rule; without one it denies every request")
                continue
            }
            guard let allow, let deny else { continue }
            result.policies[entry.name] = Policy(name: entry.name, allow: allow, deny: deny)
        }
        return result
    }

    /// A list of rules; `nil` when any rule is invalid.
    private func decodeRules(_ node: Node, _ key: String) -> [PolicyRule]? {
        guard let items = sequence(node, key, expected: "rules like { claims: { roles: admin } }") else { return nil }
        let rules = items.compactMap { decodeRule($0.node, $0.key) }
        return rules.count == items.count ? rules : nil
    }

    private func decodeRule(_ node: Node, _ key: String) -> PolicyRule? {
        let start = errorCount
        guard let map = mapping(node, key, allowed: Self.criteria, noun: "criterion") else { return nil }
        guard errorCount == start else { return nil }
        guard !map.entries.isEmpty else {
            error(map.line, key, "a rule needs at least one criterion (anyone: true matches every request)")
            return nil
        }
        var criteria: [PolicyCriterion] = []
        var valid = true
        for entry in map.entries {
            let childKey = map.child(entry.name)
            guard let criterion = decodeCriterion(entry.name, entry.value, childKey) else {
                valid = false
                continue
            }
            criteria.append(criterion)
        }
        return valid ? PolicyRule(criteria) : nil
    }

    private func decodeCriterion(_ name: String, _ node: Node, _ key: String) -> PolicyCriterion? {
        switch name {
        case "anyone", "authenticated":
            guard let value = bool(node, key) else { return nil }
            guard value else {
                error(line(node), key, "only \(name): true is supported; remove the criterion instead")
                return nil
            }
            return name == "anyone" ? .anyone : .authenticated
        case "subject":
            guard let items = sequence(node, key, expected: "subjects") else { return nil }
            guard !items.isEmpty else {
                error(line(node), key, "the list is empty; list at least one subject")
                return nil
            }
            let subjects = items.compactMap { string($0.node, $0.key) }
            return subjects.count == items.count ? .subject(Set(subjects)) : nil
        case "claims":
            return decodeClaims(node, key).map { .claims($0) }
        case "source_ip":
            return cidrList(node, key, allowEmpty: false).map { .sourceIP($0) }
        default:
            return nil
        }
    }

    private func decodeClaims(_ node: Node, _ key: String) -> [ClaimRequirement]? {
        guard let map = mapping(node, key, allowed: nil, expected: "a mapping of claim names to values") else {
            return nil
        }
        guard !map.entries.isEmpty else {
            error(map.line, key, "no claims listed; name at least one, e.g. { roles: admin }")
            return nil
        }
        var requirements: [ClaimRequirement] = []
        for entry in map.entries {
            let childKey = map.child(entry.name)
            if case .sequence = entry.value {
                guard let items = sequence(entry.value, childKey, expected: "values") else { continue }
                guard !items.isEmpty else {
                    error(line(entry.value), childKey, "the list is empty; list at least one accepted value")
                    continue
                }
                let values = items.compactMap { claimValue($0.node, $0.key) }
                if values.count == items.count {
                    requirements.append(ClaimRequirement(name: entry.name, values: values))
                }
            } else if let value = claimValue(entry.value, childKey) {
                requirements.append(ClaimRequirement(name: entry.name, values: [value]))
            }
        }
        return requirements.count == map.entries.count ? requirements : nil
    }
}
