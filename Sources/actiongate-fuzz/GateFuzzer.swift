import ActionGateCore

/// The whole Gate: `evaluateHead`, `evaluateBody` and `rewriteResponse` on a request decoded by
/// `GateInput`, against the fixture configuration (real YAML, real keys; the corpus holds cookies and
/// bound-arguments tokens sealed with those keys, so the fuzzer starts past authentication).
///
/// Properties: `GateProperties` on every verdict; a body over the asked limit is refused; the
/// rewritten response carries no `X-ActionGate-*` header, no session cookie but the gateway's, and
/// `Cache-Control: no-store` with every gateway cookie.
enum GateFuzzer {
    static func run(_ input: [UInt8]) throws(PropertyViolation) {
        let gate = try FuzzFixture.gate.get()
        let request = GateInput(input)
        let verdict: Verdict
        switch gate.evaluateHead(request.head, now: request.now) {
        case .forward(let plan):
            verdict = .forward(plan)
        case .reject(let rejection):
            verdict = .reject(rejection)
        case .needBody(let pending):
            try PropertyViolation.check(pending.limit >= 0, "a negative body limit")
            verdict = gate.evaluateBody(pending, body: request.body, now: request.now)
            if request.body.count > pending.limit {
                try PropertyViolation.check(
                    verdict.rejectionReason == .bodyTooLarge, "a body over the asked limit was not refused as too large"
                )
            }
        }
        try GateProperties.check(verdict, head: request.head, gate: gate)
        if case .forward(let plan) = verdict {
            try checkResponse(request, plan: plan, gate: gate)
        }
    }

    static func checkResponse(_ request: GateInput, plan: ForwardPlan, gate: Gate) throws(PropertyViolation) {
        let rewrite = gate.rewriteResponse(
            status: request.responseStatus, headers: request.responseHeaders, plan: plan, now: request.now)
        var sessionCookies = 0
        for field in rewrite.headers {
            try PropertyViolation.check(
                !field.name.lowercased().hasPrefix("x-actiongate"), "an X-ActionGate header reached the client")
            if field.name.lowercased() == "set-cookie",
                SetCookie.cookieName(of: field.value).lowercased() == FuzzFixture.cookieName.lowercased()
            {
                sessionCookies += 1
                let gatewayMade =
                    plan.response.setCookies.contains(field.value) || rewrite.sessionEvent == .issued
                    || rewrite.sessionEvent == .cleared
                try PropertyViolation.check(
                    gatewayMade, "an upstream Set-Cookie for the session cookie reached the client")
            }
        }
        try PropertyViolation.check(sessionCookies <= 1, "several session cookies set at once")
        if sessionCookies > 0 {
            try PropertyViolation.check(
                rewrite.headers.values("Cache-Control") == ["no-store"],
                "a session cookie without Cache-Control: no-store")
        }
        if rewrite.sessionEvent == .issued {
            try PropertyViolation.check(
                plan.response.issuesSession && (200..<400).contains(request.responseStatus),
                "a session issued by an action that may not, or on an error status")
            let cookie = rewrite.headers.values("Set-Cookie").last ?? ""
            let pair = String(decoding: cookie.utf8.prefix { $0 != 0x3B }, as: UTF8.self)
            let check = gate.sessions.check(cookieHeaders: [pair], keys: try FuzzFixture.keys.get(), now: request.now)
            try PropertyViolation.check(check.session != nil, "an issued session cookie does not open")
        }
    }
}

extension Verdict {
    /// The reason of a rejection, nil for a forward.
    var rejectionReason: RejectionReason? {
        if case .reject(let rejection) = self { return rejection.reason }
        return nil
    }
}
