/// Sessions one event loop opened recently, by their exact cookie value, so a browser's next
/// request with the same cookie skips base64url, AES-GCM and the claims parse.
///
/// What is cached is only what opening the cookie would give again: the cookie's bytes, the keys
/// and the codec's settings decide it, and they are fixed for the cache's life (the data plane
/// keeps one cache per loop per configuration snapshot, so a key retired by a reload stops opening
/// cookies at the same moment as without a cache). What depends on the clock is never cached:
/// `SessionCodec.check` rechecks expiry, issue time and `max_age` on every hit, exactly as opening
/// does, and opens the cookie again when they fail (which then gives the reason). Only cookies that
/// opened are kept; a refused cookie is refused the full way each time.
///
/// Bounded: when `capacity` entries are held, the next insertion starts over from empty. Confined
/// to one thread (no lock): not `Sendable`.
public final class SessionCache {
    /// Entries per cache: at most a cookie's 4000 bytes and its claims each.
    public static let defaultCapacity = 512

    public let capacity: Int
    private var entries: [String: Session] = [:]

    public init(capacity: Int = SessionCache.defaultCapacity) {
        self.capacity = max(1, capacity)
    }

    /// Sessions held now.
    public var count: Int { entries.count }

    /// The session opened earlier from exactly `cookie`, if held (not yet rechecked against the clock).
    func session(for cookie: String) -> Session? {
        entries[cookie]
    }

    /// Keeps a session that `cookie` opened to.
    func insert(_ session: Session, for cookie: String) {
        if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
        entries[cookie] = session
    }

    /// Forgets `cookie` (its session is no longer current).
    func remove(_ cookie: String) {
        entries.removeValue(forKey: cookie)
    }
}

@available(*, unavailable)
extension SessionCache: Sendable {}
