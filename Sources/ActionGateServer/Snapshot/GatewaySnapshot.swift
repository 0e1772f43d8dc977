import ActionGateCore

/// One consistent view of what the gateway enforces: the Gate for one configuration, and the
/// upstream table it forwards to.
///
/// Snapshots are immutable values. `GatewayServer.publish(_:)` hands a new one to every EventLoop;
/// a request keeps the snapshot it started with until its response ends, so a reload never changes
/// the rules under a request in flight.
public struct GatewaySnapshot: Sendable {
    /// Decides every request (DESIGN.md steps 2–12).
    public var gate: any RequestGate
    /// The upstreams a `ForwardPlan` may name.
    public var upstreams: [String: UpstreamSettings]
    /// Why this snapshot cannot serve yet (e.g. "keyring has no active key"), or `nil` when it can.
    /// `/readyz` calls it on each probe, off the EventLoops; it must be cheap and thread-safe.
    public var readiness: @Sendable () -> String?

    /// Creates a snapshot from a Gate and an upstream table.
    public init(
        gate: any RequestGate,
        upstreams: [String: UpstreamSettings],
        readiness: @escaping @Sendable () -> String? = { nil }
    ) {
        self.gate = gate
        self.upstreams = upstreams
        self.readiness = readiness
    }

    /// Creates a snapshot whose upstream table comes from `settings`.
    public init(
        settings: ServerSettings,
        gate: any RequestGate,
        readiness: @escaping @Sendable () -> String? = { nil }
    ) {
        self.init(gate: gate, upstreams: settings.upstreams, readiness: readiness)
    }
}
