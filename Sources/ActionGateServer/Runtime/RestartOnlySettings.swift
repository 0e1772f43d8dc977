import ActionGateCore

/// The settings a reload cannot apply — the listeners, the server limits, the logs — which a running
/// gateway keeps until it restarts. A reload that changes one still succeeds (everything else takes
/// effect), and says which were left as they were, so an operator is not misled by "reloaded".
enum RestartOnlySettings {
    /// The configuration keys whose values differ between `running` and `loaded`, in file order.
    static func changed(from running: Configuration, to loaded: Configuration) -> [String] {
        var keys: [String] = []
        if running.listen != loaded.listen { keys.append("listen") }
        if running.admin.listen != loaded.admin.listen { keys.append("admin.listen") }
        let (a, b) = (running.limits, loaded.limits)
        if a.maxHeaderBytes != b.maxHeaderBytes { keys.append("limits.max_header_bytes") }
        if a.headerTimeout != b.headerTimeout { keys.append("limits.header_timeout") }
        if a.bodyTimeout != b.bodyTimeout { keys.append("limits.body_timeout") }
        if a.idleTimeout != b.idleTimeout { keys.append("limits.idle_timeout") }
        if a.maxConnections != b.maxConnections { keys.append("limits.max_connections") }
        if a.maxBufferedBodyBytes != b.maxBufferedBodyBytes { keys.append("limits.max_buffered_body_bytes") }
        if running.log.audit != loaded.log.audit { keys.append("log.audit") }
        if running.log.level != loaded.log.level { keys.append("log.level") }
        return keys
    }
}
