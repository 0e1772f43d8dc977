/// What the `Reloader` watches and how it builds a new snapshot.
public struct ReloadInputs: Sendable {
    /// A successful load: the snapshot, and the files it was built from (watched from then on, so
    /// a configuration that names another keyring or origins file has that file watched).
    public struct Loaded: Sendable {
        public var snapshot: GatewaySnapshot
        public var watchedFiles: [String]

        public init(snapshot: GatewaySnapshot, watchedFiles: [String]) {
            self.snapshot = snapshot
            self.watchedFiles = watchedFiles
        }
    }

    /// Files whose change triggers a reload (config, allowed-origins file, keyring), until a load
    /// names others.
    public var watchedFiles: [String]
    /// How often the files' metadata is polled. Default 2 s.
    public var pollInterval: Duration
    /// Also reload on SIGHUP. Default true. (The reloader ignores SIGHUP's default action, which
    /// would terminate the process.)
    public var reloadsOnSIGHUP: Bool
    /// Builds and validates a complete snapshot from the files, or throws why it cannot. It runs
    /// off the EventLoops; its error text is logged and kept in `ReloadStatus`.
    public var load: @Sendable () throws -> Loaded

    /// Creates reload inputs.
    public init(
        watchedFiles: [String],
        pollInterval: Duration = .seconds(2),
        reloadsOnSIGHUP: Bool = true,
        load: @escaping @Sendable () throws -> Loaded
    ) {
        self.watchedFiles = watchedFiles
        self.pollInterval = pollInterval
        self.reloadsOnSIGHUP = reloadsOnSIGHUP
        self.load = load
    }
}
