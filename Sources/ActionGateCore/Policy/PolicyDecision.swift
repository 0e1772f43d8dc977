/// A policy's answer for one request, with the rule that decided it (for the audit log).
///
/// Building one never allocates: `Policy.evaluate` hands out labels it formatted when it was loaded,
/// and a decision made otherwise formats its `rule` only when asked.
public struct PolicyDecision: Sendable, Equatable {
    /// What decided.
    public enum Basis: Sendable, Equatable {
        /// The allow rule at this index matched and no deny rule did.
        case allowRule(Int)
        /// The deny rule at this index matched (deny wins over any allow).
        case denyRule(Int)
        /// No deny rule matched, and no allow rule either.
        case noAllowRuleMatched
    }

    /// The policy's name.
    public let policy: String
    /// What decided.
    public let basis: Basis

    /// The `rule` text, when the policy formatted it in advance.
    private let label: String?

    /// A decision of `policy` on `basis`.
    public init(policy: String, basis: Basis) {
        self.policy = policy
        self.basis = basis
        self.label = nil
    }

    /// A decision whose `rule` text is `label` (which must be what `rule` would format).
    init(policy: String, basis: Basis, label: String) {
        self.policy = policy
        self.basis = basis
        self.label = label
    }

    /// Decisions are equal when policy and basis are: the label is only their formatting.
    public static func == (lhs: PolicyDecision, rhs: PolicyDecision) -> Bool {
        lhs.policy == rhs.policy && lhs.basis == rhs.basis
    }

    /// True when the request may proceed.
    public var isAllowed: Bool {
        if case .allowRule = basis { true } else { false }
    }

    /// The deciding rule, e.g. `admins.allow[0]`, `admins.deny[1]`, or `admins: no allow rule matched`.
    public var rule: String {
        if let label { return label }
        return Self.format(policy: policy, basis: basis)
    }

    static func format(policy: String, basis: Basis) -> String {
        switch basis {
        case .allowRule(let index): "\(policy).allow[\(index)]"
        case .denyRule(let index): "\(policy).deny[\(index)]"
        case .noAllowRuleMatched: "\(policy): no allow rule matched"
        }
    }

    /// The rejection for a denial (DESIGN.md step 10), `nil` when allowed: without a valid session the
    /// client is asked to sign in (401 `unauthenticated`); with one it is refused (403 `forbidden`).
    public func rejectionReason(hasIdentity: Bool) -> RejectionReason? {
        if isAllowed { return nil }
        return hasIdentity ? .forbidden : .unauthenticated
    }
}
