/// What the `Reloader` watches and how it builds a new snapshot.
public struct ReloadInputs: Sendable {
    /// Files whose change triggers a reload (config, allowed-origins file, keyring).
    public var watchedFiles: [String]
    /// How often the files' metadata is polled. Default 2 s.
    public var pollInterval: Duration
    /// Also reload on SIGHUP. Default true. (The reloader ignores SIGHUP's default action, which
    /// would terminate the process.)
    public var reloadsOnSIGHUP: Bool
    /// Builds and validates a complete snapshot from the files, or throws why it cannot. It runs
    /// off the EventLoops; its error text is logged and kept in `ReloadStatus`.
    public var load: @Sendable () throws -> GatewaySnapshot

    /// Creates reload inputs.
    public init(
        watchedFiles: [String],
        pollInterval: Duration = .seconds(2),
        reloadsOnSIGHUP: Bool = true,
        load: @escaping @Sendable () throws -> GatewaySnapshot
    ) {
        self.watchedFiles = watchedFiles
        self.pollInterval = pollInterval
        self.reloadsOnSIGHUP = reloadsOnSIGHUP
        self.load = load
    }
}
