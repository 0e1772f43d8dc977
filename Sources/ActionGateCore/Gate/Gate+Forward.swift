import ActionGateCrypto

extension Gate {
    /// Steps 9–12 for an identified, checked action: session, policy, bound arguments, forward plan.
    func finish(
        _ head: RequestHead, context: RequestContext, action: ActionConfiguration, body: [UInt8],
        markers: ActionMarkers?, now: Int64, sessionCache: SessionCache?
    ) -> Verdict {
        let cookies = Self.cookies(head.headers)
        let sessionCheck = sessions.check(cookies: cookies, keys: keys, now: now, cache: sessionCache)
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
        // Header values, then the form's `$ACTION_` field: `open` takes the first and their count
        // (it refuses several), so no array is collected.
        let headerTokens = head.headers.firstValue(Self.actionBoundHeader)
        let formToken = markers?.boundArguments
        var boundJSON: [UInt8]?
        var boundKeyID: String?
        switch boundArguments.open(
            token: headerTokens.value ?? formToken, count: headerTokens.count + (formToken == nil ? 0 : 1),
            action: action.id, subject: session?.subject, keys: keys, now: now)
        {
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
            boundKeyID = keyID
        }
        let audit = AuditFacts(
            routeMode: context.route.mode.rawValue, route: context.route.pathPrefix, action: action.id,
            subject: session?.subject, policyRule: decision.rule, sessionKeyID: session?.keyID,
            boundArgumentsKeyID: boundKeyID, clientAddress: context.clientAddress?.description ?? head.peerAddress,
            shadowDenial: shadowDenial)
        return forward(
            head, context: context, action: action.id, session: session, cookies: cookies, boundArguments: boundJSON,
            body: body.isEmpty && !head.hasBody ? .none : .buffered(body),
            response: ResponseRules(
                isAction: true, issuesSession: action.issuesSession, setCookies: refreshCookies(session, now: now)),
            audit: audit)
    }

    /// A GET or HEAD naming no action on an `actions` route: forwarded with the identity of a valid
    /// session (and its sliding refresh), never with bound arguments.
    func pageRender(_ head: RequestHead, context: RequestContext, now: Int64, sessionCache: SessionCache?) -> Verdict {
        let cookies = Self.cookies(head.headers)
        let session = sessions.check(cookies: cookies, keys: keys, now: now, cache: sessionCache).session
        let audit = AuditFacts(
            routeMode: context.route.mode.rawValue, route: context.route.pathPrefix, subject: session?.subject,
            sessionKeyID: session?.keyID,
            clientAddress: context.clientAddress?.description ?? head.peerAddress)
        return forward(
            head, context: context, action: nil, session: session, cookies: cookies, boundArguments: nil, body: .none,
            response: ResponseRules(isAction: false, setCookies: refreshCookies(session, now: now)), audit: audit)
    }

    /// A request on a `passthrough` route: sanitised and forwarded, no identity.
    func passthrough(_ head: RequestHead, context: RequestContext, body: ForwardPlan.Body) -> Verdict {
        let audit = AuditFacts(
            routeMode: context.route.mode.rawValue, route: context.route.pathPrefix,
            clientAddress: context.clientAddress?.description ?? head.peerAddress)
        return forward(
            head, context: context, action: nil, session: nil, cookies: nil, boundArguments: nil, body: body,
            response: ResponseRules(isAction: false), audit: audit)
    }

    /// The request's `Cookie` fields, parsed once per request; `nil` when it has none.
    static func cookies(_ headers: HeaderFields) -> CookieHeader? {
        // Browsers send one `Cookie` field: read it in place; several are collected first.
        let cookies = headers.firstValue("Cookie")
        switch (cookies.value, cookies.count) {
        case (nil, _): return nil
        case (let value?, 1): return CookieHeader(CollectionOfOne(value))
        default: return CookieHeader(headers.values("Cookie"))
        }
    }

    /// Builds the upstream request: the client's headers without every stripped family and without
    /// the session cookie, plus the gateway's forwarding and identity headers.
    ///
    /// - Parameter cookies: the request's `Cookie` fields as already parsed (`cookies(_:)`), or `nil`
    ///   when they were not parsed yet.
    func forward(
        _ head: RequestHead, context: RequestContext, action: String?, session: Session?, cookies: CookieHeader?,
        boundArguments: [UInt8]?, body: ForwardPlan.Body, response: ResponseRules, audit: AuditFacts
    ) -> Verdict {
        var headers = RequestHeaderRules.sanitize(head.headers, peerIsTrustedProxy: context.peerIsTrustedProxy)
        // `Action-Bound` goes (its opened value is forwarded instead), and so do the `Cookie` fields,
        // re-added below as one field without the session cookie: one pass over the fields.
        var hadCookies = false
        headers.removeAll { field in
            if field.name.asciiCaseInsensitiveEquals("Cookie") {
                hadCookies = true
                return true
            }
            return field.name.asciiCaseInsensitiveEquals(Self.actionBoundHeader)
        }
        // Sanitising keeps all of the `Cookie` fields or none (it strips by name), so when some were
        // kept, the parse of the request's fields is the parse of what was kept.
        if hadCookies, let cookies = cookies ?? Self.cookies(head.headers),
            let rest = cookies.serialized(removing: sessions.cookieName)
        {
            headers.add("Cookie", rest)
        }
        let gateway = GatewayHeaders(
            peerAddress: head.peerAddress, peerIsTrustedProxy: context.peerIsTrustedProxy, proto: context.proto,
            host: context.host, requestID: head.requestID, action: action, subject: session?.subject,
            claims: session?.encodedClaims,
            boundArguments: boundArguments.map { Base64URL.encode($0) })
        do {
            try RequestHeaderRules.addGatewayHeaders(gateway, to: &headers)
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
