import ActionGateCrypto

/// Every security decision of the gateway, for one configuration snapshot (DESIGN.md "Request flow").
///
/// A `Gate` is an immutable value built when a snapshot loads; its methods are pure functions of the
/// request, the snapshot and the clock, safe to call from any thread without locks. The data plane
/// frames HTTP (step 1) and moves bytes; everything else is decided here, in the documented order.
public struct Gate: RequestGate {
    public let configuration: Configuration
    /// The keys that open (and seal) session cookies and bound arguments.
    public let keys: any TokenKeySource
    public let sessions: SessionCodec
    public let boundArguments: BoundArgumentsCodec
    /// Bounds for the form parsers reading `$ACTION_` fields.
    let formLimits: FormFields.Limits

    static let actionBoundHeader = "Action-Bound"
    static let nextActionNotFound = HeaderFields([("x-nextjs-action-not-found", "1")])
    static let allowPost = HeaderFields([("Allow", "POST")])

    public init(configuration: Configuration, keys: any TokenKeySource) {
        self.configuration = configuration
        self.keys = keys
        let session = configuration.session
        sessions = SessionCodec(
            cookieName: session.cookie, ttl: session.ttl.seconds, refreshAfter: session.refreshAfter.seconds,
            maxAge: session.maxAge.seconds, secure: session.secure, skew: session.clockSkew.seconds)
        boundArguments = BoundArgumentsCodec(
            maxTTL: configuration.boundArguments.maxTTL.seconds, maxSize: configuration.boundArguments.maxSize.bytes,
            skew: session.clockSkew.seconds)
        formLimits = FormFields.Limits()
    }

    /// Steps 1–8 on the request head: target, host, route, identification, method, content type,
    /// origin, declared length. Asks for the body whenever the decision or the upstream needs it.
    /// Session cookies are opened through `sessionCache` when given (see `SessionCache`).
    public func evaluateHead(_ head: RequestHead, now: Int64, sessionCache: SessionCache?) -> HeadVerdict {
        let context: RequestContext
        switch resolveContext(head) {
        case .success(let resolved): context = resolved
        case .failure(let rejection): return .reject(rejection)
        }
        let nextAction: NextActionHeader?
        do { nextAction = try NextActionHeader.parse(head.headers) } catch {
            return .reject(Rejection(.invalidActionID, detail: "next-action: \(error.rawValue)"))
        }
        var action: ActionConfiguration?
        if let nextAction {
            guard let named = configuration.action(id: nextAction.id) else {
                return .reject(Rejection(.unknownAction, headers: Self.nextActionNotFound, detail: "next-action"))
            }
            action = named
        }
        if let byPath = configuration.action(path: context.target.path) {
            if let named = action, named.id != byPath.id {
                return .reject(Rejection(.ambiguousAction, detail: "next-action and path name different actions"))
            }
            action = byPath
        }
        guard let action else {
            return evaluateUnidentified(head, context: context, now: now, sessionCache: sessionCache)
        }
        if let rejection = checkInvocation(head, action: action) { return .reject(rejection) }
        let limit = action.maxBody.bytes
        if let length = head.contentLength, length > limit {
            return .reject(Rejection(.bodyTooLarge, action: action.id))
        }
        guard head.hasBody else {
            return Self.headVerdict(
                finish(
                    head, context: context, action: action, body: [], markers: nil, now: now,
                    sessionCache: sessionCache))
        }
        return .needBody(
            PendingRequest(limit: limit, head: head, state: PendingState(context: context, action: action)))
    }

    /// A request the head does not tie to an action: a page render, a passthrough request, or a form
    /// whose body may still name one.
    func evaluateUnidentified(_ head: RequestHead, context: RequestContext, now: Int64, sessionCache: SessionCache?)
        -> HeadVerdict
    {
        let route = context.route
        let isRead = head.method == "GET" || head.method == "HEAD"
        let routeLimit = route.maxBody.bytes
        if head.hasBody {
            switch Self.bodyKind(head.headers) {
            case .form:
                // `$ACTION_` fields make it an action wherever it arrives: read the body (within the
                // route's limit) before anything is forwarded.
                if let length = head.contentLength, length > routeLimit { return .reject(Rejection(.bodyTooLarge)) }
                let state = PendingState(context: context, action: nil)
                return .needBody(PendingRequest(limit: routeLimit, head: head, state: state))
            case .unreadable:
                // A type the gateway cannot read might be read as a form by a laxer upstream parser.
                return .reject(Rejection(.malformedRequest, detail: "unreadable content-type"))
            case .other:
                break
            }
        }
        switch route.mode {
        case .passthrough:
            guard route.methods.contains(head.method) else {
                let allow = HeaderFields([("Allow", route.methods.joined(separator: ", "))])
                return .reject(Rejection(.methodNotAllowed, headers: allow, detail: "passthrough route"))
            }
            if let length = head.contentLength, length > routeLimit { return .reject(Rejection(.bodyTooLarge)) }
            return Self.headVerdict(
                passthrough(head, context: context, body: head.hasBody ? .stream(limit: routeLimit) : .none))
        case .actions:
            guard isRead else { return .reject(Rejection(.unknownAction, detail: "no action named")) }
            guard !head.hasBody else { return .reject(Rejection(.malformedRequest, detail: "body on a page render")) }
            return Self.headVerdict(pageRender(head, context: context, now: now, sessionCache: sessionCache))
        }
    }

    /// Steps 5–7 for an identified action: POST only, content type, origin.
    func checkInvocation(_ head: RequestHead, action: ActionConfiguration) -> Rejection? {
        guard head.method == "POST" else {
            return Rejection(.methodNotAllowed, headers: Self.allowPost, action: action.id)
        }
        let contentTypes = head.headers.firstValue("Content-Type")
        switch contentTypes.count {
        case 0:
            if head.hasBody { return Rejection(.unsupportedContentType, detail: "missing", action: action.id) }
        case 1:
            guard let value = contentTypes.value, let type = try? ContentType(parsing: value),
                action.allowsContentType(type.mediaType)
            else {
                return Rejection(.unsupportedContentType, action: action.id)
            }
        default:
            return Rejection(.malformedRequest, detail: "several content-type fields", action: action.id)
        }
        let origins = head.headers.firstValue("Origin")
        // A browser sends one Sec-Fetch-Site; several say nothing the gateway and the upstream would
        // read alike (the first here, perhaps the last or all there), so they count as none.
        let sites = origins.count == 0 ? head.headers.firstValue("Sec-Fetch-Site") : (value: nil, count: 0)
        let decision = configuration.originMatcher.check(
            firstOrigin: origins.value, originCount: origins.count, secFetchSite: sites.count == 1 ? sites.value : nil,
            missingOrigin: action.missingOrigin)
        if let reason = decision.rejectionReason {
            return Rejection(reason, detail: "origin: \(decision.code)", action: action.id)
        }
        return nil
    }

    static func headVerdict(_ verdict: Verdict) -> HeadVerdict {
        switch verdict {
        case .forward(let plan): .forward(plan)
        case .reject(let rejection): .reject(rejection)
        }
    }

    /// What a body's `Content-Type` says about `$ACTION_` fields it may carry.
    enum BodyKind {
        /// `multipart/form-data` or `application/x-www-form-urlencoded`, parsed.
        case form(ContentType)
        /// Several or unparseable `Content-Type` fields, or a form under a `Content-Encoding`.
        case unreadable
        /// Anything else, or none.
        case other
    }

    static func bodyKind(_ headers: HeaderFields) -> BodyKind {
        let values = headers.firstValue("Content-Type")
        guard let value = values.value else { return .other }
        guard values.count == 1, let type = try? ContentType(parsing: value) else { return .unreadable }
        if type.mediaType == "multipart/form-data" || type.mediaType == "application/x-www-form-urlencoded" {
            // An encoded form hides its `$ACTION_` fields from the gateway, not from an upstream that decodes it.
            // RFC 2231 parameters (`boundary*=`) are read as the plain one by @fastify/busboy (undici 5),
            // which would then frame the body with another boundary.
            if isEncoded(headers) || type.parameters.contains(where: { $0.name.contains("*") }) { return .unreadable }
            return .form(type)
        }
        // Next.js, undici 5 and busboy test a prefix (`startsWith("multipart/form-data")`, `/^multipart\/form-data/i`):
        // `multipart/form-data2` or `multipart/form-data-x` is a form to them, so it must not pass unread.
        if type.mediaType.hasPrefix("multipart/form-data")
            || type.mediaType.hasPrefix("application/x-www-form-urlencoded")
        {
            return .unreadable
        }
        return .other
    }

    /// True when a `Content-Encoding` other than `identity` applies to the body.
    static func isEncoded(_ headers: HeaderFields) -> Bool {
        headers.values("Content-Encoding").contains { value in
            value.split(separator: ",").contains { coding in
                let name = String(coding).trimmingASCIISpaces()
                return !name.isEmpty && !name.asciiCaseInsensitiveEquals("identity")
            }
        }
    }
}
