import ActionGateCrypto

/// The `/readyz` decision: the gateway is not shutting down, the last reload succeeded, the
/// snapshot's own check passes (e.g. the keyring has an active key), and at least one upstream
/// accepts a TCP connection.
struct ReadinessCheck: Sendable {
    let draining: DrainingFlag
    let status: ReloadStatus
    let publisher: SnapshotPublisher
    let probe: UpstreamProbe

    /// Why the gateway is not ready, or `nil` when it is.
    func problem() async -> String? {
        if draining.isDraining { return "shutting down" }
        if let error = status.current.lastError { return "last reload failed: \(error)" }
        let snapshot = publisher.snapshot
        if let problem = snapshot.readiness() { return problem }
        let upstreams = Array(snapshot.upstreams.values)
        guard !upstreams.isEmpty else { return "no upstream configured" }
        return await probe.anyReachable(upstreams) ? nil : "no upstream reachable"
    }

    /// The built-in admin routes: `GET /healthz` (always 200 while serving) and `GET /readyz`.
    var routes: [AdminRoute] {
        [
            AdminRoute(method: "GET", path: "/healthz") { _ in .json(status: 200, "{\"status\":\"ok\"}") },
            AdminRoute(method: "GET", path: "/readyz") { _ in
                guard let problem = await problem() else { return .json(status: 200, "{\"status\":\"ready\"}") }
                let reason: String = JSONValue.string(problem).serialized()
                return .json(status: 503, "{\"status\":\"not_ready\",\"reason\":\(reason)}")
            },
        ]
    }
}
