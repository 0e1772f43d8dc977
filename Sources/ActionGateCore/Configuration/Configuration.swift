/// A validated, immutable configuration snapshot (`config.yaml` plus the files it names).
///
/// Built only by `ConfigurationLoader`, which reports every problem at once. Paths are absolute
/// (resolved against the configuration file's folder, `${NAME}` expanded). The lookups the Gate needs
/// on every request (`route(for:)`, `actions.byID`, `actions.byPath`, `originMatcher`) are prepared
/// here once.
public struct Configuration: Sendable {
    /// The configuration file's path, as given to the loader.
    public let sourcePath: String
    /// `listen`: the data-plane listeners (default `0.0.0.0:8080`).
    public let listen: [ListenAddress]
    /// `admin`.
    public let admin: AdminConfiguration
    /// `public_origins`: the gateway's own origins (at least one).
    public let publicOrigins: [WebOrigin]
    /// `trusted_proxies`: peers whose `X-Forwarded-*` headers are believed (default none).
    public let trustedProxies: [CIDR]
    /// `allowed_origins_file`: absolute path, if configured.
    public let allowedOriginsFile: String?
    /// The allowed-origins file's entries (empty without a file).
    public let allowedOrigins: AllowedOrigins
    /// `keyring`: absolute path of the keyring file, if configured.
    public let keyring: String?
    /// `upstreams`, by name.
    public let upstreams: [String: UpstreamConfiguration]
    /// `routes`, longest `path_prefix` first.
    public let routes: [RouteConfiguration]
    /// `session`.
    public let session: SessionConfiguration
    /// `limits`.
    public let limits: LimitsConfiguration
    /// `bound_args`.
    public let boundArguments: BoundArgumentsConfiguration
    /// `actions`.
    public let actions: ActionsConfiguration
    /// `policies`.
    public let policies: PolicySet
    /// `log`.
    public let log: LogConfiguration
    /// The origin check for this snapshot (public origins plus the allowed-origins file).
    public let originMatcher: OriginMatcher
    /// Warnings found while loading (e.g. a policy nobody references), for the log.
    public let warnings: [ConfigurationIssue]

    init(
        sourcePath: String, listen: [ListenAddress], admin: AdminConfiguration, publicOrigins: [WebOrigin],
        trustedProxies: [CIDR], allowedOriginsFile: String?, allowedOrigins: AllowedOrigins, keyring: String?,
        upstreams: [String: UpstreamConfiguration], routes: [RouteConfiguration], session: SessionConfiguration,
        limits: LimitsConfiguration, boundArguments: BoundArgumentsConfiguration, actions: ActionsConfiguration,
        policies: PolicySet, log: LogConfiguration = LogConfiguration(), warnings: [ConfigurationIssue]
    ) {
        self.sourcePath = sourcePath
        self.listen = listen
        self.admin = admin
        self.publicOrigins = publicOrigins
        self.trustedProxies = trustedProxies
        self.allowedOriginsFile = allowedOriginsFile
        self.allowedOrigins = allowedOrigins
        self.keyring = keyring
        self.upstreams = upstreams
        // Longest prefix first, so the first route that covers a path is the most specific one.
        self.routes = routes.sorted { $0.pathPrefix.utf8.count > $1.pathPrefix.utf8.count }
        self.session = session
        self.limits = limits
        self.boundArguments = boundArguments
        self.actions = actions
        self.policies = policies
        self.log = log
        self.originMatcher = OriginMatcher(publicOrigins: publicOrigins, allowedOrigins: allowedOrigins)
        self.warnings = warnings
    }

    /// The route with the longest `path_prefix` that `path` (normalised) starts with.
    public func route(for path: String) -> RouteConfiguration? {
        for route in routes where route.covers(path) {
            return route
        }
        return nil
    }

    /// The upstream called `name`.
    public func upstream(named name: String) -> UpstreamConfiguration? {
        upstreams[name]
    }

    /// The action with id `id`.
    public func action(id: String) -> ActionConfiguration? {
        actions.byID[id]
    }

    /// The action whose `path` is `path` (normalised): exactly, or up to what a lenient upstream
    /// router ignores (`LoosePath`: case, trailing slashes, `;` parameters), so
    /// `/actions/DeleteUser/` is still checked as `/actions/deleteUser`.
    public func action(path: String) -> ActionConfiguration? {
        if let exact = actions.byPath[path] { return exact }
        guard !actions.byLoosePath.isEmpty else { return nil }
        return actions.byLoosePath[LoosePath(path)]
    }

    /// True when `address` is in `trusted_proxies`.
    public func isTrustedProxy(_ address: IPAddress) -> Bool {
        for network in trustedProxies where network.contains(address) {
            return true
        }
        return false
    }

    /// The longest lifetime of any token this configuration issues: the larger of `session.max_age`
    /// and `bound_args.max_ttl` (how long `keys retire` must wait after a demotion).
    public var longestTokenLifetime: ConfigDuration {
        max(session.maxAge, boundArguments.maxTTL)
    }
}
