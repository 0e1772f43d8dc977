/// Every rule of a policy with whether it matched, for `actiongate policy test --explain`.
public struct PolicyExplanation: Sendable, Equatable {
    /// One rule's result.
    public struct RuleResult: Sendable, Equatable {
        /// `admins.deny[0]`, `admins.allow[1]`, …
        public let rule: String
        /// True when every criterion matched.
        public let matched: Bool
        /// Each criterion's key and whether it matched, in the rule's order.
        public let criteria: [CriterionResult]
    }

    /// One criterion's result.
    public struct CriterionResult: Sendable, Equatable {
        /// The criterion's YAML key (`claims`, `source_ip`, …).
        public let key: String
        /// True when it matched.
        public let matched: Bool
    }

    /// The policy's decision (the same as `Policy.evaluate`).
    public let decision: PolicyDecision
    /// Deny rules first, then allow rules, each in file order.
    public let rules: [RuleResult]

    /// One line per rule: `admins.deny[0]: no match (claims: no)`.
    public var lines: [String] {
        rules.map { result in
            let details = result.criteria.map { "\($0.key): \($0.matched ? "yes" : "no")" }.joined(separator: ", ")
            return "\(result.rule): \(result.matched ? "match" : "no match") (\(details))"
        }
    }
}
