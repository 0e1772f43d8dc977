import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How many connections fit in the process's limit on open files (`RLIMIT_NOFILE`).
///
/// Every client connection, upstream connection and admin connection is a file descriptor. A
/// gateway that reaches the limit cannot accept (`EMFILE`): clients wait in the listen backlog,
/// upstream connects fail, and the documented `503 overloaded` at `limits.max_connections` never
/// comes, because that limit was set above what the process may open. So `serve` first raises its
/// soft limit to the hard limit (what nginx's `worker_rlimit_nofile` and Go's runtime do), then
/// keeps client connections within what is left once the other descriptors are set aside, and
/// says so when that is below `limits.max_connections`.
public struct OpenFileBudget: Sendable, Equatable {
    /// Descriptors set aside beyond connections and event loops: listeners, the audit log, the
    /// keyring and configuration reads, standard streams, the thread pool.
    public static let fixedReserve = 64

    /// Descriptors each event loop holds: its epoll, eventfd and timerfd.
    public static let perEventLoop = 3

    /// The open-file limit the budget is for.
    public let limit: Int
    /// Descriptors kept for everything but client connections.
    public let reserve: Int
    /// What the limit must be for `limits.max_connections` to fit: it plus `reserve`.
    public let needed: Int
    /// The client connections served at once (`limits.max_connections`, or less to fit `limit`).
    public let clientConnections: Int
    /// Set when `clientConnections` is below the configured `limits.max_connections`: what to do.
    public let warning: String?

    /// The budget for `settings` under an open-file `limit`, with `eventLoops` event loops (the
    /// gateway runs one per core).
    public init(settings: ServerSettings, limit: Int, eventLoops: Int = System.coreCount) {
        var upstream = 0
        for (_, settings) in settings.upstreams { upstream += settings.maxConnections }
        let admin = settings.admin == nil ? 0 : settings.adminLimits.maxConnections
        self.limit = limit
        self.reserve = upstream + admin + Self.fixedReserve + Self.perEventLoop * max(eventLoops, 1)
        let configured = settings.limits.maxConnections
        self.needed = configured + reserve
        // Never below half the limit: with a small limit the reserve may not be all in use, and a
        // gateway that serves no one is worse than one whose upstream connects may fail.
        let fitting = max(limit - reserve, limit / 2, 1)
        guard fitting < configured else {
            self.clientConnections = configured
            self.warning = nil
            return
        }
        self.clientConnections = fitting
        self.warning =
            "the process may open \(limit) files (ulimit -n; LimitNOFILE= under systemd), but "
            + "limits.max_connections \(configured) plus \(reserve) for upstream and admin connections, "
            + "listeners and files needs \(needed): serving at most \(fitting) client "
            + "connections (503 overloaded beyond). Raise the limit (LimitNOFILE=\(needed) "
            + "in the unit, or ulimit -n) or lower limits.max_connections or the upstreams' max_connections"
    }

    /// Raises this process's soft open-file limit to its hard limit (at most 1 048 576, the
    /// kernel's usual `nr_open`) and returns the soft limit in force afterwards; nil when it cannot
    /// be read.
    public static func raiseProcessLimit() -> Int? {
        #if canImport(Glibc)
            let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        #else
            let resource = RLIMIT_NOFILE
        #endif
        var limits = rlimit()
        guard getrlimit(resource, &limits) == 0 else { return nil }
        let ceiling: rlim_t = 1 << 20
        let wanted = min(limits.rlim_max, ceiling)
        if limits.rlim_cur < wanted {
            var raised = limits
            raised.rlim_cur = wanted
            // Refused (a system ceiling below the hard limit, as on macOS): the limit stays as it was.
            if setrlimit(resource, &raised) == 0 { limits = raised }
        }
        return limits.rlim_cur >= rlim_t(Int.max) ? Int.max : Int(limits.rlim_cur)
    }
}
