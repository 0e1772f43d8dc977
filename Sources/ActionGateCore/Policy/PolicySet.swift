/// Every policy of a configuration, by name.
public struct PolicySet: Sendable, Equatable {
    /// The policies, keyed by name.
    public let policies: [String: Policy]

    /// A set from a list of policies (later duplicates replace earlier ones).
    public init(_ policies: [Policy]) {
        var byName: [String: Policy] = [:]
        for policy in policies { byName[policy.name] = policy }
        self.policies = byName
    }

    /// The policy named `name`.
    public subscript(name: String) -> Policy? { policies[name] }

    /// The names, sorted.
    public var names: [String] { policies.keys.sorted() }

    /// The number of policies.
    public var count: Int { policies.count }
}
