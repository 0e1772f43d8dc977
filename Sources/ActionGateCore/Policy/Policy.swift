/// A named authorization policy: `allow` and `deny` rule lists (DESIGN.md "policy semantics").
///
/// A request is allowed when no deny rule matches and at least one allow rule matches; a rule matches
/// when all of its criteria match. Evaluation stops at the first deciding rule and does not allocate.
public struct Policy: Sendable, Equatable {
    /// The policy's name (its key under `policies:`).
    public let name: String
    /// Rules that allow; the first that matches decides unless a deny rule matched.
    public let allow: [PolicyRule]
    /// Rules that deny; any match denies, whatever the allow rules say.
    public let deny: [PolicyRule]
    /// The same rules, prepared for `evaluate`.
    private let compiled: CompiledPolicy
    /// `PolicyDecision.rule` for each allow rule, each deny rule, and no match: formatted once here,
    /// so a decision costs no allocation on the request path.
    private let allowLabels: [String]
    private let denyLabels: [String]
    private let noMatchLabel: String

    /// A policy from its rules.
    public init(name: String, allow: [PolicyRule], deny: [PolicyRule] = []) {
        self.name = name
        self.allow = allow
        self.deny = deny
        self.compiled = CompiledPolicy(allow: allow, deny: deny)
        self.allowLabels = allow.indices.map { PolicyDecision.format(policy: name, basis: .allowRule($0)) }
        self.denyLabels = deny.indices.map { PolicyDecision.format(policy: name, basis: .denyRule($0)) }
        self.noMatchLabel = PolicyDecision.format(policy: name, basis: .noAllowRuleMatched)
    }

    /// Equal when name and rules are (the rest is derived from them).
    public static func == (lhs: Policy, rhs: Policy) -> Bool {
        lhs.name == rhs.name && lhs.allow == rhs.allow && lhs.deny == rhs.deny && lhs.compiled == rhs.compiled
    }

    /// Decides for a request.
    ///
    /// - Parameters:
    ///   - identity: the valid session's identity, `nil` without one.
    ///   - clientAddress: the client after trusted-proxy resolution, for `source_ip`.
    public func evaluate(identity: Identity?, clientAddress: IPAddress?) -> PolicyDecision {
        let basis =
            compiled.evaluate(identity: identity, clientAddress: clientAddress)
            ?? evaluateCriteria(identity: identity, clientAddress: clientAddress)
        let label: String
        switch basis {
        case .allowRule(let index): label = allowLabels[index]
        case .denyRule(let index): label = denyLabels[index]
        case .noAllowRuleMatched: label = noMatchLabel
        }
        return PolicyDecision(policy: name, basis: basis, label: label)
    }

    /// The reference evaluation, criterion by criterion: the fallback for policies with very many
    /// constants, and the definition the compiled form is tested against.
    func evaluateCriteria(identity: Identity?, clientAddress: IPAddress?) -> PolicyDecision.Basis {
        for index in deny.indices where deny[index].matches(identity: identity, clientAddress: clientAddress) {
            return .denyRule(index)
        }
        for index in allow.indices where allow[index].matches(identity: identity, clientAddress: clientAddress) {
            return .allowRule(index)
        }
        return .noAllowRuleMatched
    }

    /// Evaluates every rule and criterion, for operators (`policy test --explain`). Not for the hot path.
    public func explain(identity: Identity?, clientAddress: IPAddress?) -> PolicyExplanation {
        func results(_ rules: [PolicyRule], _ kind: String) -> [PolicyExplanation.RuleResult] {
            rules.enumerated().map { index, rule in
                let criteria = rule.criteria.map {
                    PolicyExplanation.CriterionResult(
                        key: $0.key, matched: $0.matches(identity: identity, clientAddress: clientAddress))
                }
                return PolicyExplanation.RuleResult(
                    rule: "\(name).\(kind)[\(index)]", matched: criteria.allSatisfy(\.matched), criteria: criteria)
            }
        }
        return PolicyExplanation(
            decision: evaluate(identity: identity, clientAddress: clientAddress),
            rules: results(deny, "deny") + results(allow, "allow"))
    }
}
