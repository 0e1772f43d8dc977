import ActionGateCrypto
import Testing

@testable import ActionGateCore

/// The compiled (bitmask) evaluation must give exactly the answers of the criterion-by-criterion
/// definition, for every policy and request.
@Suite struct PolicyCompilationTests {
    /// A small deterministic generator, so a failure names a seed that reproduces it.
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        mutating func pick<T>(_ items: [T]) -> T { items[next(items.count)] }
    }

    static let subjects = ["alice", "bob", "carol", "dave"]
    static let claimNames = ["roles", "team", "level", "suspended"]
    static let values: [JSONValue] = [
        .string("admin"), .string("editor"), .string("ops"), .number(1), .number(3), .bool(true), .bool(false),
        .string("true"), .string("1"),
    ]
    static let networks = ["10.0.0.0/8", "192.168.0.0/16", "fd00::/8", "0.0.0.0/0"].map { try! CIDR(parsing: $0) }
    static let addresses = ["10.1.1.1", "192.168.3.4", "fd00::9", "8.8.8.8", "::1"].map { IPAddress($0) }

    static func criterion(_ g: inout Generator) -> PolicyCriterion {
        switch g.next(5) {
        case 0: return .anyone
        case 1: return .authenticated
        case 2: return .subject(Set((0...g.next(2)).map { _ in g.pick(subjects) }))
        case 3:
            return .claims(
                (0...g.next(2)).map { _ in
                    ClaimRequirement(name: g.pick(claimNames), values: (0...g.next(2)).map { _ in g.pick(values) })
                })
        default: return .sourceIP((0...g.next(2)).map { _ in g.pick(networks) })
        }
    }

    static func rules(_ g: inout Generator, _ count: Int) -> [PolicyRule] {
        (0..<count).map { _ in PolicyRule((0...g.next(3)).map { _ in criterion(&g) }) }
    }

    static func identity(_ g: inout Generator) -> Identity? {
        guard g.next(4) != 0 else { return nil }
        var claims: [String: JSONValue] = [:]
        for name in claimNames where g.next(2) == 0 {
            claims[name] = g.next(3) == 0 ? .array((0..<g.next(4)).map { _ in g.pick(values) }) : g.pick(values)
        }
        return Identity(subject: g.pick(subjects), claims: claims)
    }

    @Test(arguments: 0..<40)
    func compiledAnswersEqualTheDefinition(seed: Int) {
        var g = Generator(state: UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 | 1)
        let policy = Policy(name: "p\(seed)", allow: Self.rules(&g, 1 + g.next(6)), deny: Self.rules(&g, g.next(3)))
        for _ in 0..<50 {
            let identity = Self.identity(&g)
            let address = g.pick(Self.addresses)
            let expected = policy.evaluateCriteria(identity: identity, clientAddress: address)
            #expect(policy.evaluate(identity: identity, clientAddress: address).basis == expected)
        }
    }

    @Test func manyConstantsFallBackToTheDefinition() {
        let many = Set((0..<100).map { "user\($0)" })
        let policy = Policy(name: "big", allow: [PolicyRule([.subject(many)])])
        #expect(CompiledPolicy(allow: policy.allow, deny: []).needsFallback)
        #expect(policy.evaluate(identity: Identity(subject: "user99"), clientAddress: nil).basis == .allowRule(0))
        #expect(
            policy.evaluate(identity: Identity(subject: "user100"), clientAddress: nil).basis == .noAllowRuleMatched)
        let values = (0..<65).map { JSONValue.number(Double($0)) }
        let claims = Policy(name: "c", allow: [PolicyRule([.claims([ClaimRequirement(name: "n", values: values)])])])
        #expect(CompiledPolicy(allow: claims.allow, deny: []).needsFallback)
        #expect(
            claims.evaluate(identity: Identity(subject: "a", claims: ["n": .number(64)]), clientAddress: nil).isAllowed)
    }

    @Test func sixtyFourConstantsStillCompile() {
        let subjects = Set((0..<64).map { "user\($0)" })
        let policy = Policy(name: "edge", allow: [PolicyRule([.subject(subjects)])])
        #expect(!CompiledPolicy(allow: policy.allow, deny: []).needsFallback)
        for index in [0, 31, 63] {
            #expect(policy.evaluate(identity: Identity(subject: "user\(index)"), clientAddress: nil).isAllowed)
        }
        #expect(!policy.evaluate(identity: Identity(subject: "user64"), clientAddress: nil).isAllowed)
    }
}
