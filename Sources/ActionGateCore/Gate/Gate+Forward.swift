import ActionGateCrypto

extension Gate {
    /// Steps 9–12 for an identified, checked action: session, policy, bound arguments, forward plan.
    func finish(
        _ head: RequestHead, context: RequestContext, action: ActionConfiguration, body: [UInt8],
        markers: ActionMarkers?, now: Int64
    ) -> Verdict {
        let sessionCheck = sessions.check(cookieHeaders: head.headers.values("Cookie"), keys: keys, now: now)
        let session = sessionCheck.session
        let identity = session.map { Identity(subject: $0.subject, claims: $0.claims) }
        let decision = action.policy.evaluate(identity: identity, clientAddress: context.clientAddress)
        var shadowDenial: RejectionReason?
        if let reason = decision.rejectionReason(hasIdentity: identity != nil) {
            let detail = "policy: \(decision.rule)" + Self.sessionNote(sessionCheck)
            guard !action.enforce else {
                return .reject(Rejection(reason, detail: detail, action: action.id, sessionKeyID: session?.keyID))
            }
            shadowDenial = reason
        }
        var keyIDs = session.map { [$0.keyID] } ?? []
        var tokens = head.headers.values(Self.actionBoundHeader)
        if let field = markers?.boundArguments { tokens.append(field) }
        var boundJSON: [UInt8]?
        switch boundArguments.open(tokens: tokens, action: action.id, subject: session?.subject, keys: keys, now: now) {
        case .absent:
            if action.boundArguments == .required {
                return .reject(
                    Rejection(
                        .boundArgsRejected, detail: "bound arguments: missing", action: action.id,
                        sessionKeyID: session?.keyID))
            }
        case .rejected(let reason):
            return .reject(
                Rejection(
                    .boundArgsRejected, detail: "bound arguments: \(reason)", action: action.id,
                    sessionKeyID: session?.keyID))
        case .valid(let json, let keyID):
            boundJSON = json
            if !keyIDs.contains(keyID) { keyIDs.append(keyID) }
        }
        let audit = AuditFacts(
            routeMode: context.route.mode.rawValue, route: context.route.pathPrefix, action: action.id,
            subject: session?.subject, policyRule: decision.rule, keyIDs: keyIDs,
            clientAddress: context.clientAddress?.description ?? head.peerAddress, shadowDenial: shadowDenial)
        return forward(
            head, context: context, action: action.id, session: session, boundArguments: boundJSON,
            body: body.isEmpty && !head.hasBody ? .none : .buffered(body),
            response: ResponseRules(
                isAction: true, issuesSession: action.issuesSession, setCookies: refreshCookies(session, now: now)),
            audit: audit)
    }

    /// A GET or HEAD naming no action on an `actions` route: forwarded with the identity of a valid
    /// session (and its sliding refresh), never with bound arguments.
    func pageRender(_ head: RequestHead, context: RequestContext, now: Int64) -> Verdict {
        let session = sessions.check(cookieHeaders: head.headers.values("Cookie"), keys: keys, now: now).session
        let audit = AuditFacts(
            routeMode: context.route.mode.rawValue, route: context.route.pathPrefix, subject: session?.subject,
            keyIDs: session.map { [$0.keyID] } ?? [],
            clientAddress: context.clientAddress?.description ?? head.peerAddress)
        return forward(
            head, context: context, action: nil, session: session, boundArguments: nil, body: .none,
            response: ResponseRules(isAction: false, setCookies: refreshCookies(session, now: now)), audit: audit)
    }

    /// A request on a `passthrough` route: sanitised and forwarded, no identity.
    func passthrough(_ head: RequestHead, context: RequestContext, body: ForwardPlan.Body) -> Verdict {
        let audit = AuditFacts(
            routeMode: context.route.mode.rawValue, route: context.route.pathPrefix,
            clientAddress: context.clientAddress?.description ?? head.peerAddress)
        return forward(
            head, context: context, action: nil, session: nil, boundArguments: nil, body: body,
            response: ResponseRules(isAction: false), audit: audit)
    }

    /// Builds the upstream request: the client's headers without every stripped family and without
    /// the session cookie, plus the gateway's forwarding and identity headers.
    func forward(
        _ head: RequestHead, context: RequestContext, action: String?, session: Session?, boundArguments: [UInt8]?,
        body: ForwardPlan.Body, response: ResponseRules, audit: AuditFacts
    ) -> Verdict {
        var headers = RequestHeaderRules.sanitize(head.headers, peerIsTrustedProxy: context.peerIsTrustedProxy)
        headers.remove(Self.actionBoundHeader)
        let cookies = headers.values("Cookie")
        if !cookies.isEmpty {
            headers.remove("Cookie")
            if let rest = CookieHeader(cookies).serialized(removing: sessions.cookieName) {
                headers.add("Cookie", rest)
            }
        }
        let gateway = GatewayHeaders(
            peerAddress: head.peerAddress, peerIsTrustedProxy: context.peerIsTrustedProxy, proto: context.proto,
            host: context.host, requestID: head.requestID, action: action, subject: session?.subject,
            claims: session.map { Base64URL.encode($0.rawClaims) },
            boundArguments: boundArguments.map { Base64URL.encode($0) })
        do {
            headers = try RequestHeaderRules.addGatewayHeaders(gateway, to: headers)
        } catch {
            // Gateway-made values are printable ASCII by construction; refuse rather than send a bad header.
            return .reject(Rejection(.malformedRequest, detail: "gateway header \(error.header)", action: action))
        }
        return .forward(
            ForwardPlan(
                upstream: context.route.upstream, method: head.method, target: context.target.target,
                headers: headers, body: body, response: response, audit: audit))
    }

    /// The sliding-refresh cookie for a valid session, when due.
    func refreshCookies(_ session: Session?, now: Int64) -> [String] {
        guard let session, let cookie = try? sessions.refresh(session, keys: keys, now: now) else { return [] }
        return [cookie]
    }

    /// Why a presented cookie did not count, for the audit detail of a policy refusal.
    static func sessionNote(_ check: SessionCheck) -> String {
        if case .invalid(let reason) = check { return "; session cookie: \(reason)" }
        return ""
    }
}
