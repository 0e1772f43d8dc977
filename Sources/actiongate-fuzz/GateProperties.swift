import ActionGateCore
import ActionGateCrypto

/// What must hold of any Gate verdict, whatever the request (DESIGN.md "Request flow", "Headers").
///
/// Checked against the forwarded request itself — what the upstream would receive — rather than the
/// Gate's internal reasoning: no stripped header family survives, the session cookie never leaves,
/// identity headers come only from a valid session, an action is only ever a POST that passed the
/// origin rule, and the fixture's protected actions are reached only by the right users.
enum GateProperties {
    static let gatewayHeaders: Set<String> = Set(
        [
            GatewayHeaders.forwardedFor, GatewayHeaders.forwardedProto, GatewayHeaders.forwardedHost,
            GatewayHeaders.requestID, GatewayHeaders.action, GatewayHeaders.subject, GatewayHeaders.claims,
            GatewayHeaders.boundArguments,
        ].map { $0.lowercased() })

    ///
    /// - Parameter fixturePolicies: the Gate runs the fixture's configuration, so its protected
    ///   actions must only be reached by the right users. A fuzzed configuration (the `config`
    ///   target) may declare the same action ids with any policy: only the rest applies.
    static func check(_ verdict: Verdict, head: RequestHead, gate: Gate, fixturePolicies: Bool = true)
        throws(PropertyViolation)
    {
        switch verdict {
        case .reject(let rejection): try checkRejection(rejection)
        case .forward(let plan): try checkForward(plan, head: head, gate: gate, fixturePolicies: fixturePolicies)
        }
    }

    static func checkRejection(_ rejection: Rejection) throws(PropertyViolation) {
        if rejection.reason == .methodNotAllowed {
            try PropertyViolation.check(rejection.headers.contains("Allow"), "405 without Allow")
        }
        if let detail = rejection.detail {
            // Audit details are fixed words and codes; raw request bytes would show up as odd bytes here.
            try PropertyViolation.check(
                detail.utf8.count <= 256 && detail.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F },
                "rejection detail with non-printable bytes or overlong: \(rejection.reason.rawValue)")
        }
    }

    static func checkForward(_ plan: ForwardPlan, head: RequestHead, gate: Gate, fixturePolicies: Bool)
        throws(PropertyViolation)
    {
        try PropertyViolation.check(plan.method == head.method, "the forwarded method differs from the client's")
        let normalised = try? RequestPath(parsing: plan.target)
        try PropertyViolation.check(normalised?.target == plan.target, "the forwarded target is not normalised")
        let trusted = IPAddress(head.peerAddress).map { gate.configuration.isTrustedProxy($0) } ?? false
        try checkHeaderFamilies(plan.headers, client: head.headers, trusted: trusted)
        try checkIdentity(plan)
        if let action = plan.audit.action {
            try PropertyViolation.check(head.method == "POST", "an action forwarded for a \(head.method)")
            try PropertyViolation.check(plan.response.isAction, "an action forwarded without action response rules")
            try checkOrigin(head, action: action, gate: gate)
            if fixturePolicies { try checkPolicy(plan, action: action) }
        }
        let host = plan.headers.first(GatewayHeaders.forwardedHost).map { FuzzInput.trimmingOWS($0).lowercased() }
        try PropertyViolation.check(
            host.map { host in
                gate.configuration.publicOrigins.contains { host == $0.authority || host == "\($0.host):\($0.port)" }
            } == true, "forwarded for a host that is not a public origin's")
    }

    /// No header of a stripped family reaches the upstream unless the gateway set it itself.
    static func checkHeaderFamilies(_ headers: HeaderFields, client: HeaderFields, trusted: Bool)
        throws(PropertyViolation)
    {
        var listed = Set<String>()
        for value in client.values("Connection") {
            for token in value.split(separator: ",") {
                listed.insert(FuzzInput.trimmingOWS(String(token)).lowercased())
            }
        }
        var counts: [String: Int] = [:]
        for field in headers {
            let name = field.name.lowercased()
            if gatewayHeaders.contains(name) {
                counts[name, default: 0] += 1
                continue
            }
            for rule in RequestHeaderRules.stripRules where rule.matches(field.name) {
                if rule.scope == .untrustedPeers && trusted { continue }
                throw PropertyViolation(message: "forwarded a header of the \(rule.family) family")
            }
            try PropertyViolation.check(!listed.contains(name), "forwarded a header the client's Connection lists")
            try PropertyViolation.check(name != "action-bound", "forwarded the client's Action-Bound")
        }
        try PropertyViolation.check(counts.values.allSatisfy { $0 == 1 }, "a gateway header set twice")
        let cookies = headers.values("Cookie")
        try PropertyViolation.check(cookies.count <= 1, "several Cookie headers forwarded")
        try PropertyViolation.check(
            CookieHeader(cookies).lookup(FuzzFixture.cookieName) == .absent, "the session cookie was forwarded")
    }

    /// Identity headers exist exactly when the Gate found a valid session, and carry that session.
    static func checkIdentity(_ plan: ForwardPlan) throws(PropertyViolation) {
        let subject = plan.headers.first(GatewayHeaders.subject)
        try PropertyViolation.check(subject == plan.audit.subject, "X-ActionGate-Subject differs from the session")
        let claims = plan.headers.first(GatewayHeaders.claims)
        try PropertyViolation.check((claims != nil) == (subject != nil), "claims without subject or the reverse")
        if let claims {
            guard let bytes = try? Base64URL.decode(claims), case .object(let members)? = try? JSONValue(parsing: bytes)
            else { throw PropertyViolation(message: "X-ActionGate-Claims is not base64url JSON object") }
            try PropertyViolation.check(
                members["sub"] == subject.map { .string($0) }, "claims sub differs from subject")
        }
        try PropertyViolation.check(
            plan.headers.first(GatewayHeaders.action) == plan.audit.action, "X-ActionGate-Action differs from the audit"
        )
        if let bound = plan.headers.first(GatewayHeaders.boundArguments) {
            try PropertyViolation.check(plan.audit.action != nil, "bound arguments forwarded outside an action")
            let json = (try? Base64URL.decode(bound)).flatMap { try? JSONValue(parsing: $0) }
            try PropertyViolation.check(json != nil, "X-ActionGate-Bound-Args is not base64url JSON")
        }
    }

    /// A forwarded action passed the origin rule, judged by `OriginReference`, not by `OriginMatcher`.
    static func checkOrigin(_ head: RequestHead, action: String, gate: Gate) throws(PropertyViolation) {
        let origins = head.headers.values("Origin")
        let configuration = gate.configuration
        switch origins.count {
        case 0:
            let site = head.headers.first("Sec-Fetch-Site").map(FuzzInput.fetchSite)
            let allowsMissing = configuration.action(id: action)?.missingOrigin == .allow
            try PropertyViolation.check(
                site == "same-origin" || (allowsMissing && site != "cross-site" && site != "same-site"),
                "an action forwarded without Origin")
        case 1:
            guard let origin = try? WebOrigin(parsing: FuzzInput.trimmingOWS(origins[0])) else {
                throw PropertyViolation(message: "an action forwarded with an unparseable Origin")
            }
            try PropertyViolation.check(
                OriginReference.allows(
                    origin, publicOrigins: configuration.publicOrigins, allowed: configuration.allowedOrigins),
                "an action forwarded for an Origin the reference refuses")
        default:
            throw PropertyViolation(message: "an action forwarded with several Origin fields")
        }
    }

    /// The fixture's protected actions: who may reach them, read from what the upstream receives.
    static func checkPolicy(_ plan: ForwardPlan, action: String) throws(PropertyViolation) {
        let claims: [String: JSONValue]? = plan.headers.first(GatewayHeaders.claims).flatMap { text in
            guard let bytes = try? Base64URL.decode(text), case .object(let members)? = try? JSONValue(parsing: bytes)
            else { return nil }
            return members
        }
        switch action {
        case "createPost", "deleteNote":
            try PropertyViolation.check(claims != nil, "\(action) forwarded without a session")
            if action == "deleteNote" {
                try PropertyViolation.check(
                    plan.headers.contains(GatewayHeaders.boundArguments), "deleteNote forwarded without bound arguments"
                )
            }
        case "deleteUser":
            guard let claims else { throw PropertyViolation(message: "deleteUser forwarded without a session") }
            let roles = claims["roles"]
            let isAdmin: Bool
            switch roles {
            case .string("admin")?: isAdmin = true
            case .array(let values)?: isAdmin = values.contains(.string("admin"))
            default: isAdmin = false
            }
            let suspended: Bool
            switch claims["suspended"] {
            case .bool(true)?: suspended = true
            case .array(let values)?: suspended = values.contains(.bool(true))
            default: suspended = false
            }
            try PropertyViolation.check(isAdmin && !suspended, "deleteUser forwarded for a non-admin or suspended user")
        default:
            break
        }
    }
}
