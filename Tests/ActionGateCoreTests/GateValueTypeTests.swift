import ActionGateCore
import Testing

/// The Gate's value types keep value semantics although their fields live in shared boxes
/// (`ForwardPlan`, `PendingRequest`) or in immutable classes (`ActionConfiguration`,
/// `RouteConfiguration`): a copy changed is never the original changed, and equality is by value.
@Suite struct GateValueTypeTests {
    static func plan(target: String = "/actions/a") -> ForwardPlan {
        ForwardPlan(
            upstream: "app", method: "POST", target: target, headers: HeaderFields([("Host", "app.example.com")]),
            body: .buffered(Array("{}".utf8)), response: ResponseRules(isAction: true),
            audit: AuditFacts(routeMode: "actions", route: "/", action: "a", clientAddress: "203.0.113.9"))
    }

    @Test func aChangedCopyOfAPlanLeavesTheOriginal() {
        let original = Self.plan()
        var copy = original
        #expect(copy == original)
        copy.headers.add("X-Extra", "1")
        copy.body = .none
        copy.target = "/other"
        copy.audit.subject = "alice"
        #expect(original.headers.values("X-Extra").isEmpty)
        #expect(original.body == .buffered(Array("{}".utf8)))
        #expect(original.target == "/actions/a")
        #expect(original.audit.subject == nil)
        #expect(copy.headers.values("X-Extra") == ["1"])
        #expect(copy != original)
    }

    @Test func plansBuiltApartAreEqualByValue() {
        #expect(Self.plan() == Self.plan())
        #expect(Self.plan() != Self.plan(target: "/actions/b"))
    }

    @Test func aChangedCopyOfAPendingRequestLeavesTheOriginal() throws {
        let fixture = try GateFixture()
        let head = GateFixture.head("POST", "/actions/createPost", bodyLength: 10)
        guard case .needBody(let original) = fixture.gate.evaluateHead(head, now: GateFixture.now) else {
            Issue.record("the head did not ask for the body")
            return
        }
        var copy = original
        #expect(copy == original)
        copy.limit = 1
        copy.head.headers.add("X-Extra", "1")
        #expect(original.limit == 256)
        #expect(original.head.headers.values("X-Extra").isEmpty)
        #expect(copy != original)
        // The original still decides as it would have.
        #expect(
            fixture.gate.evaluateBody(original, body: Array("0123456789".utf8), now: GateFixture.now).outcome
                == "unauthenticated")
    }

    @Test func configurationClassesAreEqualByValue() throws {
        let a = try GateFixture().configuration
        let b = try GateFixture().configuration
        let actionA = try #require(a.action(id: "createPost"))
        let actionB = try #require(b.action(id: "createPost"))
        #expect(actionA !== actionB)
        #expect(actionA == actionB)
        #expect(actionA != (try #require(a.action(id: "login"))))
        let routeA = try #require(a.route(for: "/uploads/x"))
        let routeB = try #require(b.route(for: "/uploads/x"))
        #expect(routeA !== routeB)
        #expect(routeA == routeB)
        #expect(routeA != (try #require(a.route(for: "/page"))))
    }

    @Test func auditKeyIDsListEachKeyOnceSessionFirst() {
        func keys(_ session: String?, _ bound: String?) -> [String] {
            AuditFacts(
                routeMode: "actions", route: "/", sessionKeyID: session, boundArgumentsKeyID: bound,
                clientAddress: "::1"
            ).keyIDs
        }
        #expect(keys(nil, nil) == [])
        #expect(keys("0000000a", nil) == ["0000000a"])
        #expect(keys(nil, "0000000b") == ["0000000b"])
        #expect(keys("0000000a", "0000000b") == ["0000000a", "0000000b"])
        #expect(keys("0000000a", "0000000a") == ["0000000a"])
    }
}
