extension Gate {
    /// Rewrites the upstream response head: strips hop-by-hop and `X-ActionGate-*` headers and the
    /// upstream's own `Set-Cookie` for the session cookie name, turns `X-ActionGate-Session` into the
    /// session cookie for `issues_session` actions (2xx and 3xx responses only), adds sliding-refresh
    /// cookies and `Cache-Control: no-store` where DESIGN.md says so.
    public func rewriteResponse(status: Int, headers: HeaderFields, plan: ForwardPlan, now: Int64) -> ResponseRewrite {
        let rules = plan.response
        let first = ResponseHeaderRules.rewrite(
            status: status, headers: headers, isAction: rules.isAction, sessionCookieName: sessions.cookieName,
            gatewaySetCookies: rules.setCookies)
        guard let directive = first.session else { return ResponseRewrite(headers: first.headers) }
        guard rules.issuesSession else {
            return ResponseRewrite(headers: first.headers, sessionEvent: .refused(reason: "not_an_issuing_action"))
        }
        guard (200..<400).contains(status) else {
            return ResponseRewrite(headers: first.headers, sessionEvent: .refused(reason: "error_status"))
        }
        let cookie: String
        let event: ResponseRewrite.SessionEvent
        switch directive {
        case .issue(let claims):
            do {
                cookie = try sessions.issue(claimsJSON: claims, keys: keys, now: now)
                event = .issued
            } catch {
                return ResponseRewrite(headers: first.headers, sessionEvent: .refused(reason: error.rawValue))
            }
        case .clear:
            cookie = sessions.clearingCookie()
            event = .cleared
        case .malformed:
            return ResponseRewrite(headers: first.headers, sessionEvent: .refused(reason: "malformed_directive"))
        }
        // The sign-in (or logout) cookie replaces any refresh of the session it supersedes.
        let final = ResponseHeaderRules.rewrite(
            status: status, headers: headers, isAction: rules.isAction, sessionCookieName: sessions.cookieName,
            gatewaySetCookies: [cookie])
        return ResponseRewrite(headers: final.headers, sessionEvent: event)
    }
}
