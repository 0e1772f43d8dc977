import ActionGateCrypto
import Testing

@testable import ActionGateCore

@Suite struct PolicyTests {
    static let alice = Identity(
        subject: "alice",
        claims: [
            "sub": .string("alice"), "roles": .array([.string("admin"), .string("editor")]), "level": .number(3),
            "suspended": .bool(false), "team": .string("core"),
        ])
    static let bob = Identity(
        subject: "bob",
        claims: [
            "sub": .string("bob"), "roles": .array([.string("viewer")]), "suspended": .bool(true), "level": .number(1),
        ])
    static let carol = Identity(subject: "carol", claims: ["roles": .string("admin"), "team": .string("ops")])

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var criterion: PolicyCriterion
        var identity: Identity?
        var address: String?
        var matches: Bool
        var testDescription: String { name }
    }

    static func cidrs(_ texts: String...) -> [CIDR] { texts.map { try! CIDR(parsing: $0) } }

    static let criteria: [Case] = [
        Case(name: "anyone, anonymous", criterion: .anyone, identity: nil, matches: true),
        Case(name: "anyone, signed in", criterion: .anyone, identity: alice, matches: true),
        Case(name: "authenticated, anonymous", criterion: .authenticated, identity: nil, matches: false),
        Case(name: "authenticated, signed in", criterion: .authenticated, identity: bob, matches: true),
        Case(name: "subject listed", criterion: .subject(["alice", "dave"]), identity: alice, matches: true),
        Case(name: "subject not listed", criterion: .subject(["alice", "dave"]), identity: bob, matches: false),
        Case(name: "subject, anonymous", criterion: .subject(["alice"]), identity: nil, matches: false),
        Case(name: "subject is case-sensitive", criterion: .subject(["Alice"]), identity: alice, matches: false),
        Case(
            name: "array claim membership", criterion: .claims([claim("roles", "admin")]), identity: alice,
            matches: true),
        Case(
            name: "array claim without it", criterion: .claims([claim("roles", "admin")]), identity: bob, matches: false
        ),
        Case(name: "string claim equal", criterion: .claims([claim("roles", "admin")]), identity: carol, matches: true),
        Case(
            name: "any of several values", criterion: .claims([claim("team", "ops", "sre")]), identity: carol,
            matches: true),
        Case(
            name: "none of several values", criterion: .claims([claim("team", "ops", "sre")]), identity: alice,
            matches: false),
        Case(name: "missing claim", criterion: .claims([claim("team", "core")]), identity: bob, matches: false),
        Case(name: "claims, anonymous", criterion: .claims([claim("roles", "admin")]), identity: nil, matches: false),
        Case(
            name: "bool claim", criterion: .claims([ClaimRequirement(name: "suspended", values: [.bool(true)])]),
            identity: bob, matches: true),
        Case(
            name: "bool is not the string true",
            criterion: .claims([ClaimRequirement(name: "suspended", values: [.string("true")])]), identity: bob,
            matches: false),
        Case(
            name: "number claim", criterion: .claims([ClaimRequirement(name: "level", values: [.number(3)])]),
            identity: alice, matches: true),
        Case(
            name: "number is not the string",
            criterion: .claims([ClaimRequirement(name: "level", values: [.string("3")])]),
            identity: alice, matches: false),
        Case(
            name: "all listed claims must match",
            criterion: .claims([claim("roles", "admin"), claim("team", "ops")]), identity: alice, matches: false),
        Case(
            name: "all listed claims match", criterion: .claims([claim("roles", "admin"), claim("team", "core")]),
            identity: alice, matches: true),
        Case(
            name: "source_ip v4 inside", criterion: .sourceIP(cidrs("10.0.0.0/8")), identity: nil, address: "10.1.2.3",
            matches: true),
        Case(
            name: "source_ip v4 outside", criterion: .sourceIP(cidrs("10.0.0.0/8")), identity: nil, address: "11.1.2.3",
            matches: false),
        Case(
            name: "source_ip mapped v4", criterion: .sourceIP(cidrs("10.0.0.0/8")), identity: nil,
            address: "::ffff:10.9.9.9", matches: true),
        Case(
            name: "source_ip v6 inside", criterion: .sourceIP(cidrs("fd00::/8")), identity: nil, address: "fd00::5",
            matches: true),
        Case(
            name: "source_ip v6 outside", criterion: .sourceIP(cidrs("fd00::/8")), identity: nil,
            address: "2001:db8::1", matches: false),
        Case(
            name: "source_ip any of the list", criterion: .sourceIP(cidrs("10.0.0.0/8", "fd00::/8")), identity: nil,
            address: "fd01::1", matches: true),
        Case(
            name: "source_ip v4 net, v6 client", criterion: .sourceIP(cidrs("0.0.0.0/0")), identity: nil,
            address: "::1", matches: false),
        Case(
            name: "source_ip unknown address", criterion: .sourceIP(cidrs("0.0.0.0/0")), identity: nil, matches: false),
    ]

    static func claim(_ name: String, _ values: String...) -> ClaimRequirement {
        ClaimRequirement(name: name, values: values.map { .string($0) })
    }

    @Test(arguments: criteria)
    func criterion(_ testCase: Case) {
        let address = testCase.address.flatMap { IPAddress($0) }
        #expect(testCase.criterion.matches(identity: testCase.identity, clientAddress: address) == testCase.matches)
    }

    /// Subjects, claim names and claim values compare byte for byte: Swift's `String ==` holds
    /// canonically equivalent spellings equal (U+212A KELVIN SIGN and `K`; `e` + U+0308 and `ë`), so a
    /// user who picks such a name would pass a rule written for someone else's. Checked with the
    /// compiled evaluator and with the criterion-by-criterion one it falls back to.
    @Test func lookAlikeSpellingsAreNotTheSame() {
        let kelvin = "\u{212A}ate"
        let combining = "Zoe\u{0308}"
        #expect(kelvin == "Kate" && combining == "Zo\u{00EB}", "Swift String equality is canonical")
        let cases: [(PolicyCriterion, Identity, Bool)] = [
            (.subject(["Kate"]), Identity(subject: kelvin), false),
            (.subject([kelvin]), Identity(subject: kelvin), true),
            (
                .claims([Self.claim("org", "Zo\u{00EB}")]), Identity(subject: "u", claims: ["org": .string(combining)]),
                false
            ),
            (
                .claims([Self.claim("team", "Kops")]),
                Identity(subject: "u", claims: ["team": .array([.string("\u{212A}ops")])]), false
            ),
            (
                .claims([Self.claim("team", "Kops")]),
                Identity(subject: "u", claims: ["team": .array([.string("Kops")])]), true
            ),
            (.claims([Self.claim("\u{212A}ind", "x")]), Identity(subject: "u", claims: ["Kind": .string("x")]), false),
            (.claims([Self.claim("Kind", "x")]), Identity(subject: "u", claims: ["\u{212A}ind": .string("x")]), false),
        ]
        for (criterion, identity, matches) in cases {
            #expect(criterion.matches(identity: identity, clientAddress: nil) == matches, "\(criterion)")
            let policy = Policy(name: "p", allow: [PolicyRule([criterion])])
            #expect(
                policy.evaluate(identity: identity, clientAddress: nil).isAllowed == matches, "compiled: \(criterion)")
            #expect(
                (policy.evaluateCriteria(identity: identity, clientAddress: nil) == .allowRule(0)) == matches,
                "fallback: \(criterion)")
        }
    }

    /// `admins` from DESIGN.md: admins allowed, suspended users denied even when admins.
    static let admins = Policy(
        name: "admins",
        allow: [PolicyRule([.claims([claim("roles", "admin")])])],
        deny: [PolicyRule([.claims([ClaimRequirement(name: "suspended", values: [.bool(true)])])])])

    static let suspendedAdmin = Identity(
        subject: "eve", claims: ["roles": .array([.string("admin")]), "suspended": .bool(true)])

    static let decisions: [(String, Identity?, PolicyDecision.Basis, String)] = [
        ("admin", alice, .allowRule(0), "admins.allow[0]"),
        ("not an admin", bob, .denyRule(0), "admins.deny[0]"),
        ("admin by string claim", carol, .allowRule(0), "admins.allow[0]"),
        ("deny wins over allow", suspendedAdmin, .denyRule(0), "admins.deny[0]"),
        ("anonymous", nil, .noAllowRuleMatched, "admins: no allow rule matched"),
    ]

    @Test(arguments: decisions)
    func denyWinsAndNoAllowMeansDeny(name: String, identity: Identity?, basis: PolicyDecision.Basis, rule: String) {
        let decision = Self.admins.evaluate(identity: identity, clientAddress: nil)
        #expect(decision.basis == basis)
        #expect(decision.rule == rule)
        #expect(decision.isAllowed == (name == "admin" || name == "admin by string claim"))
    }

    @Test func aRuleIsAConjunction() {
        let policy = Policy(
            name: "ops-internal",
            allow: [PolicyRule([.claims([Self.claim("team", "ops")]), .sourceIP(Self.cidrs("10.0.0.0/8"))])])
        let inside = IPAddress("10.0.0.9")
        let outside = IPAddress("192.0.2.1")
        #expect(policy.evaluate(identity: Self.carol, clientAddress: inside).isAllowed)
        #expect(!policy.evaluate(identity: Self.carol, clientAddress: outside).isAllowed)
        #expect(!policy.evaluate(identity: Self.alice, clientAddress: inside).isAllowed)
    }

    @Test func theFirstMatchingAllowRuleIsReported() {
        let policy = Policy(
            name: "p", allow: [PolicyRule([.subject(["bob"])]), PolicyRule([.authenticated]), PolicyRule([.anyone])])
        #expect(policy.evaluate(identity: Self.alice, clientAddress: nil).rule == "p.allow[1]")
        #expect(policy.evaluate(identity: nil, clientAddress: nil).rule == "p.allow[2]")
    }

    @Test func outcomeMappingDistinguishesUnauthenticatedFromForbidden() {
        let denied = PolicyDecision(policy: "p", basis: .noAllowRuleMatched)
        #expect(denied.rejectionReason(hasIdentity: false) == .unauthenticated)
        #expect(denied.rejectionReason(hasIdentity: true) == .forbidden)
        #expect(PolicyDecision(policy: "p", basis: .denyRule(0)).rejectionReason(hasIdentity: true) == .forbidden)
        #expect(PolicyDecision(policy: "p", basis: .allowRule(0)).rejectionReason(hasIdentity: false) == nil)
    }

    @Test func explainListsEveryRule() {
        let explanation = Self.admins.explain(identity: Self.suspendedAdmin, clientAddress: nil)
        #expect(explanation.decision.basis == .denyRule(0))
        #expect(
            explanation.lines == [
                "admins.deny[0]: match (claims: yes)",
                "admins.allow[0]: match (claims: yes)",
            ])
        let anonymous = Self.admins.explain(identity: nil, clientAddress: nil)
        #expect(anonymous.rules.map(\.matched) == [false, false])
    }

    @Test func policySetLooksUpByName() {
        let set = PolicySet([Self.admins, Policy(name: "public", allow: [PolicyRule([.anyone])])])
        #expect(set["admins"] == Self.admins)
        #expect(set["nope"] == nil)
        #expect(set.names == ["admins", "public"])
    }
}
