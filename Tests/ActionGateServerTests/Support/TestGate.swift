import ActionGateCore

/// A small Gate for data-plane tests: it decides by path, so each test picks its verdict.
///
/// - `/reject/<reason>`: refused with that reason code (`Allow: POST` added for 405).
/// - `/body/<limit>`: `needBody(limit)`; the body verdict refuses bodies containing `deny`.
/// - `/stream/<limit>`: forwarded with the body streamed, within `limit`.
/// - `/unknown-upstream`: forwarded to an upstream the snapshot lacks.
/// - `/versioned`: forwarded by `v1`, refused (403) by any other label (reload tests).
/// - anything else: forwarded without a body.
///
/// Plans carry the client's headers minus `x-client-secret`, plus `x-gate: <label>` and the request
/// id; `Upgrade`/`Connection` are deliberately left in, to prove the Server drops them itself.
/// Responses lose `x-upstream-secret` and gain `x-rewritten: <label>`.
struct TestGate: RequestGate {
    var label = "v1"

    func evaluateHead(_ head: RequestHead, now: Int64, sessionCache: SessionCache?) -> HeadVerdict {
        let path = head.target.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.target
        let last = path.split(separator: "/").last.map(String.init) ?? ""
        if path.hasPrefix("/reject/") {
            let reason = RejectionReason(rawValue: last) ?? .forbidden
            var headers = HeaderFields()
            if reason == .methodNotAllowed { headers.add("Allow", "POST") }
            return .reject(Rejection(reason, headers: headers, detail: "test gate"))
        }
        if path.hasPrefix("/body/") {
            guard let target = try? RequestPath(parsing: head.target) else {
                return .reject(Rejection(.malformedRequest, detail: "test gate: path"))
            }
            let limit = Int(last) ?? 1024
            let route = RouteConfiguration(
                pathPrefix: "/body/", upstream: "app", mode: .passthrough, methods: ["POST"],
                maxBody: ByteSize(bytes: limit)
            )
            let context = RequestContext(
                target: target, route: route, host: "a", proto: "http", peerIsTrustedProxy: false, clientAddress: nil
            )
            return .needBody(
                PendingRequest(limit: limit, head: head, state: PendingState(context: context, action: nil)))
        }
        if path.hasPrefix("/stream/") {
            return .forward(plan(head, body: .stream(limit: Int(last) ?? 1024)))
        }
        if path.hasPrefix("/unknown-upstream") {
            var plan = plan(head, body: .none)
            plan.upstream = "missing"
            return .forward(plan)
        }
        if path.hasPrefix("/versioned"), label != "v1" {
            return .reject(Rejection(.forbidden, detail: "label \(label)"))
        }
        return .forward(plan(head, body: .none))
    }

    func evaluateBody(_ pending: PendingRequest, body: [UInt8], now: Int64, sessionCache: SessionCache?) -> Verdict {
        if String(decoding: body, as: UTF8.self).contains("deny") {
            return .reject(Rejection(.forbidden, detail: "body says deny"))
        }
        return .forward(plan(pending.head, body: .buffered(body)))
    }

    func rewriteResponse(status: Int, headers: HeaderFields, plan: ForwardPlan, now: Int64) -> ResponseRewrite {
        var headers = headers
        headers.remove("x-upstream-secret")
        headers.add("x-rewritten", label)
        return ResponseRewrite(headers: headers, sessionEvent: headers.contains("x-session") ? .issued : nil)
    }

    private func plan(_ head: RequestHead, body: ForwardPlan.Body) -> ForwardPlan {
        var headers = head.headers
        headers.remove("x-client-secret")
        headers.add("x-gate", label)
        headers.add("x-actiongate-request-id", head.requestID)
        return ForwardPlan(
            upstream: "app",
            method: head.method,
            target: head.target,
            headers: headers,
            body: body,
            response: ResponseRules(isAction: false),
            audit: AuditFacts(routeMode: "passthrough", route: "/", clientAddress: head.peerAddress)
        )
    }
}
