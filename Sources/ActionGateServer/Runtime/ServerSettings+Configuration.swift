import ActionGateCore

extension ServerSettings {
    /// The data plane's settings for a loaded configuration (every `listen` address serves).
    public init(configuration: Configuration) {
        let addresses = configuration.listen.map { ListenAddress(host: $0.host, port: $0.port) }
        let listen = addresses.first
        let admin = configuration.admin.listen
        let limits = configuration.limits
        self.init(
            listen: listen ?? ListenAddress(host: "0.0.0.0", port: 8080),
            additionalListen: Array(addresses.dropFirst()),
            admin: ListenAddress(host: admin.host, port: admin.port),
            limits: ServerLimits(
                maxHeaderBytes: limits.maxHeaderBytes.bytes, headerTimeout: limits.headerTimeout.duration,
                bodyTimeout: limits.bodyTimeout.duration, idleTimeout: limits.idleTimeout.duration,
                maxConnections: limits.maxConnections, maxBufferedBodyBytes: limits.maxBufferedBodyBytes.bytes),
            upstreams: configuration.upstreams.mapValues(UpstreamSettings.init(configuration:)))
    }
}

extension UpstreamSettings {
    /// The pool settings of one configured upstream.
    public init(configuration upstream: UpstreamConfiguration) {
        self.init(
            host: upstream.host, port: upstream.port, maxConnections: upstream.maxConnections,
            connectTimeout: upstream.connectTimeout.duration, requestTimeout: upstream.timeout.duration)
    }
}
