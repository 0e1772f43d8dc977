import ActionGateCore

/// The label values metrics accept for routes, actions, upstreams and key ids.
///
/// Once a configuration is known (`configure`), only its values (and those of earlier snapshots
/// of this process) pass; anything else becomes `unknown`. Without one (a bare `GatewayServer`),
/// the first `cap` distinct values pass. Either way the number of series stays bounded.
struct KnownLabels {
    enum Kind: CaseIterable {
        case route, action, upstream, keyID
    }

    static let cap = 1024

    private var values: [Kind: Set<String>] = [:]
    private var configured = false

    /// The label for `value`: itself when admitted, else `unknown`.
    mutating func admit(_ value: String, as kind: Kind) -> String {
        if values[kind, default: []].contains(value) { return value }
        guard !configured, values[kind, default: []].count < Self.cap else { return MetricLabels.unknown }
        values[kind, default: []].insert(value)
        return value
    }

    /// Adds a snapshot's routes, actions, upstreams and key ids.
    mutating func configure(routes: [String], actions: [String], upstreams: [String], keyIDs: [String]) {
        configured = true
        for (kind, names) in [(Kind.route, routes), (.action, actions), (.upstream, upstreams), (.keyID, keyIDs)] {
            let room = max(Self.cap * 4 - values[kind, default: []].count, 0)
            values[kind, default: []].formUnion(names.prefix(room))
        }
    }
}
