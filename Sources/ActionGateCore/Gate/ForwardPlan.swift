/// Everything the data plane needs to forward an allowed request, decided by the Gate.
///
/// The data plane sends exactly `method`, `target` and `headers` (re-framing the body itself: it
/// never byte-copies the client's framing), then applies `gate.rewriteResponse` to the response head.
///
/// A value type whose fields live in one `CopyOnWrite` box: the data plane keeps the plan for the
/// whole exchange and reads it at several steps, and a copy is one reference count instead of one
/// per field (a header list, the audit facts, a body).
public struct ForwardPlan: Sendable, Equatable {
    /// How the request body travels upstream.
    public enum Body: Sendable, Equatable {
        /// No body.
        case none
        /// The body the Gate already read and checked (actions).
        case buffered([UInt8])
        /// Stream the client's body as it arrives (passthrough routes), within `limit` bytes.
        case stream(limit: Int)
    }

    /// The fields, in one copy-on-write box.
    private struct Fields: Sendable, Equatable {
        var upstream: String
        var method: String
        var target: String
        var headers: HeaderFields
        var body: Body
        var response: ResponseRules
        var audit: AuditFacts
    }

    private var fields: CopyOnWrite<Fields>

    /// The configured upstream's name (`upstreams:` key).
    public var upstream: String {
        get { fields.value.upstream }
        set { fields.value.upstream = newValue }
    }
    public var method: String {
        get { fields.value.method }
        set { fields.value.method = newValue }
    }
    /// The normalised path plus the original query, as sent upstream.
    public var target: String {
        get { fields.value.target }
        set { fields.value.target = newValue }
    }
    /// The final header list for the upstream request: sanitised client headers plus gateway headers.
    public var headers: HeaderFields {
        get { fields.value.headers }
        set { fields.value.headers = newValue }
    }
    public var body: Body {
        get { fields.value.body }
        set { fields.value.body = newValue }
    }
    /// What to do with the upstream's response head.
    public var response: ResponseRules {
        get { fields.value.response }
        set { fields.value.response = newValue }
    }
    /// Facts for the audit log and metrics.
    public var audit: AuditFacts {
        get { fields.value.audit }
        set { fields.value.audit = newValue }
    }

    public init(
        upstream: String,
        method: String,
        target: String,
        headers: HeaderFields,
        body: Body,
        response: ResponseRules,
        audit: AuditFacts
    ) {
        fields = CopyOnWrite(
            Fields(
                upstream: upstream, method: method, target: target, headers: headers, body: body, response: response,
                audit: audit))
    }
}

/// How the gateway treats the upstream response of a forwarded request.
public struct ResponseRules: Sendable, Equatable {
    /// Action responses get `Cache-Control: no-store` unless the handler set one.
    public var isAction: Bool
    /// The action may issue or clear a session with `X-ActionGate-Session`.
    public var issuesSession: Bool
    /// `Set-Cookie` values the gateway adds (e.g. a sliding session refresh).
    public var setCookies: [String]

    public init(isAction: Bool, issuesSession: Bool = false, setCookies: [String] = []) {
        self.isAction = isAction
        self.issuesSession = issuesSession
        self.setCookies = setCookies
    }
}

/// What the Gate learned about a forwarded request, for the audit log and metrics.
public struct AuditFacts: Sendable, Equatable {
    /// `actions` or `passthrough`.
    public var routeMode: String
    /// The route's `path_prefix`.
    public var route: String
    public var action: String?
    /// The session subject, when a valid session was presented. Never the cookie itself.
    public var subject: String?
    /// The policy rule that decided (e.g. `admins.allow[0]`), when a policy ran.
    public var policyRule: String?
    /// The key (lowercase hex id) that opened the session cookie, when a valid session was presented.
    public var sessionKeyID: String?
    /// The key that opened the bound arguments, when they opened (and are forwarded).
    public var boundArgumentsKeyID: String?
    /// The client address after trusted-proxy resolution.
    public var clientAddress: String
    /// Set when a policy in shadow mode (`enforce: false`) would have refused the request.
    public var shadowDenial: RejectionReason?

    public init(
        routeMode: String,
        route: String,
        action: String? = nil,
        subject: String? = nil,
        policyRule: String? = nil,
        sessionKeyID: String? = nil,
        boundArgumentsKeyID: String? = nil,
        clientAddress: String,
        shadowDenial: RejectionReason? = nil
    ) {
        self.routeMode = routeMode
        self.route = route
        self.action = action
        self.subject = subject
        self.policyRule = policyRule
        self.sessionKeyID = sessionKeyID
        self.boundArgumentsKeyID = boundArgumentsKeyID
        self.clientAddress = clientAddress
        self.shadowDenial = shadowDenial
    }

    /// The key ids that opened tokens on this request, each once: the session's, then the bound
    /// arguments' (the audit log's `key_ids`).
    public var keyIDs: [String] {
        switch (sessionKeyID, boundArgumentsKeyID) {
        case (nil, nil): []
        case (let session?, nil): [session]
        case (nil, let bound?): [bound]
        case (let session?, let bound?): session == bound ? [session] : [session, bound]
        }
    }
}
