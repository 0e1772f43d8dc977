import ActionGateCrypto

/// The form a `Policy` takes for evaluation on the hot path, built once when the policy is.
///
/// Every subject and claim value a policy mentions becomes a bit. Per request, the identity is
/// turned into bitmasks once (one dictionary lookup per distinct claim name), and each rule is then
/// a run of plain-data checks (`mask & accepted != 0`, CIDR containment) with no reference counting,
/// so a ten-rule policy costs a few hundred nanoseconds and allocates nothing. A policy with more
/// than 64 distinct subjects, or 64 distinct values for one claim, is evaluated criterion by
/// criterion instead (slower, same answers).
struct CompiledPolicy: Sendable, Equatable {
    /// One plain-data check; a rule is a range of them, all of which must pass.
    enum Check: Sendable, Equatable {
        /// A valid session is present.
        case identity
        /// The subject is one of the subjects whose bits are set.
        case subject(UInt64)
        /// The claim in `slot` is (or contains) one of the values whose bits are set.
        case claim(slot: Int, accepted: UInt64)
        /// The client address is in one of `networks[range]`.
        case networks(Range<Int>)
    }

    private let checks: [Check]
    private let deny: [Range<Int>]
    private let allow: [Range<Int>]
    private let networks: [CIDR]
    private let subjects: [String]
    private let claimNames: [String]
    private let claimValues: [[JSONValue]]
    /// Too many constants for 64-bit masks: evaluate `PolicyRule.matches` instead.
    let needsFallback: Bool

    init(allow: [PolicyRule], deny: [PolicyRule]) {
        var builder = Builder()
        self.deny = deny.map { builder.add($0) }
        self.allow = allow.map { builder.add($0) }
        checks = builder.checks
        networks = builder.networks
        subjects = builder.subjects
        claimNames = builder.claimNames
        claimValues = builder.claimValues
        needsFallback = builder.subjects.count > 64 || builder.claimValues.contains { $0.count > 64 }
    }

    /// Decides; `nil` when the policy needs the criterion-by-criterion fallback.
    func evaluate(identity: Identity?, clientAddress: IPAddress?) -> PolicyDecision.Basis? {
        guard !needsFallback else { return nil }
        var subjectBits: UInt64 = 0
        if let identity {
            for index in subjects.indices where subjects[index].hasSameBytes(as: identity.subject) {
                subjectBits |= 1 << index
            }
        }
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: claimNames.count) { masks in
            for slot in claimNames.indices {
                masks.initializeElement(at: slot, to: claimMask(slot, identity))
            }
            return checks.withUnsafeBufferPointer { checks in
                networks.withUnsafeBufferPointer { networks in
                    let request = Request(
                        hasIdentity: identity != nil, subject: subjectBits, claims: UnsafeBufferPointer(masks),
                        address: clientAddress, checks: checks, networks: networks)
                    for index in deny.indices where request.passes(deny[index]) { return .denyRule(index) }
                    for index in allow.indices where request.passes(allow[index]) { return .allowRule(index) }
                    return .noAllowRuleMatched
                }
            }
        }
    }

    /// The bits of the values of claim `slot` that the identity's claim equals or contains.
    private func claimMask(_ slot: Int, _ identity: Identity?) -> UInt64 {
        guard let identity, let claim = ClaimRequirement.claim(claimNames[slot], in: identity.claims) else { return 0 }
        let values = claimValues[slot]
        var mask: UInt64 = 0
        if case .array(let elements) = claim {
            for element in elements {
                for index in values.indices where ClaimRequirement.sameValue(values[index], element) {
                    mask |= 1 << index
                }
            }
        } else {
            for index in values.indices where ClaimRequirement.sameValue(values[index], claim) { mask |= 1 << index }
        }
        return mask
    }

    /// One request, reduced to bits, against the flat check list.
    private struct Request {
        var hasIdentity: Bool
        var subject: UInt64
        var claims: UnsafeBufferPointer<UInt64>
        var address: IPAddress?
        var checks: UnsafeBufferPointer<Check>
        var networks: UnsafeBufferPointer<CIDR>

        @inline(__always)
        func passes(_ rule: Range<Int>) -> Bool {
            for index in rule {
                switch checks[index] {
                case .identity:
                    if !hasIdentity { return false }
                case .subject(let accepted):
                    if subject & accepted == 0 { return false }
                case .claim(let slot, let accepted):
                    if claims[slot] & accepted == 0 { return false }
                case .networks(let range):
                    guard let address else { return false }
                    var inside = false
                    for network in range where networks[network].contains(address) {
                        inside = true
                        break
                    }
                    if !inside { return false }
                }
            }
            return true
        }
    }

    /// Collects checks and constants while compiling rules.
    private struct Builder {
        var checks: [Check] = []
        var networks: [CIDR] = []
        var subjects: [String] = []
        var claimNames: [String] = []
        var claimValues: [[JSONValue]] = []

        mutating func add(_ rule: PolicyRule) -> Range<Int> {
            let start = checks.count
            for criterion in rule.criteria {
                switch criterion {
                case .anyone:
                    break
                case .authenticated:
                    checks.append(.identity)
                case .subject(let names):
                    checks.append(.identity)
                    checks.append(.subject(names.sorted().reduce(0) { $0 | bit(index(of: $1, in: &subjects)) }))
                case .claims(let requirements):
                    checks.append(.identity)
                    for requirement in requirements {
                        let slot = index(of: requirement.name, in: &claimNames)
                        if slot == claimValues.count { claimValues.append([]) }
                        let accepted = requirement.values.reduce(UInt64(0)) {
                            $0 | bit(index(of: $1, in: &claimValues[slot]))
                        }
                        checks.append(.claim(slot: slot, accepted: accepted))
                    }
                case .sourceIP(let list):
                    checks.append(.networks(networks.count..<(networks.count + list.count)))
                    networks += list
                }
            }
            return start..<checks.count
        }

        private func bit(_ index: Int) -> UInt64 {
            index < 64 ? 1 << UInt64(index) : 0
        }

        /// Constants are told apart byte for byte, as requests are matched against them.
        private func index(of value: String, in list: inout [String]) -> Int {
            if let found = list.firstIndex(where: { $0.hasSameBytes(as: value) }) { return found }
            list.append(value)
            return list.count - 1
        }

        private func index(of value: JSONValue, in list: inout [JSONValue]) -> Int {
            if let found = list.firstIndex(where: { ClaimRequirement.sameValue($0, value) }) { return found }
            list.append(value)
            return list.count - 1
        }
    }
}
