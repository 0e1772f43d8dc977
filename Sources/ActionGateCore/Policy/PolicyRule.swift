/// One `allow` or `deny` rule: it matches when every one of its criteria matches.
public struct PolicyRule: Sendable, Equatable {
    /// The criteria, all of which must match (at least one).
    public let criteria: [PolicyCriterion]

    /// A rule from its criteria.
    public init(_ criteria: [PolicyCriterion]) {
        self.criteria = criteria
    }

    /// True when every criterion matches.
    @inline(__always)
    public func matches(identity: Identity?, clientAddress: IPAddress?) -> Bool {
        for criterion in criteria where !criterion.matches(identity: identity, clientAddress: clientAddress) {
            return false
        }
        return true
    }
}
