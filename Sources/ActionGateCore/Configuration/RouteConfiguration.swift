/// One entry of `routes:` — which upstream serves a path prefix, and how.
///
/// An immutable class (like `ActionConfiguration`): each request's context holds its route, and a
/// copy is one reference count instead of one per field. Equality is by value.
public final class RouteConfiguration: Sendable, Equatable {
    /// How a route treats requests.
    public enum Mode: String, Sendable, Equatable, CaseIterable {
        /// Actions are enforced; GET/HEAD naming no action are page renders (DESIGN.md "What counts as
        /// an action").
        case actions
        /// A plain (sanitised) proxy for `methods` only; a request carrying an action marker is refused.
        case passthrough
    }

    /// The default `methods` of a passthrough route.
    public static let defaultPassthroughMethods = ["GET", "HEAD"]

    /// `path_prefix`: a plain byte prefix of the normalised path (`/_next/static/` with the slash).
    public let pathPrefix: String
    /// `upstream`: the name of an entry of `upstreams:`.
    public let upstream: String
    /// `mode`, default `actions`.
    public let mode: Mode
    /// `methods` (passthrough only), default `[GET, HEAD]`; empty for `actions` routes.
    public let methods: [String]
    /// `max_body`, default `limits.max_body`: the most body bytes read before the action is known
    /// (multipart identification) or streamed on a passthrough route.
    public let maxBody: ByteSize

    /// A route from its parts.
    public init(pathPrefix: String, upstream: String, mode: Mode, methods: [String], maxBody: ByteSize) {
        self.pathPrefix = pathPrefix
        self.upstream = upstream
        self.mode = mode
        self.methods = methods
        self.maxBody = maxBody
    }

    /// True when `path` starts with `pathPrefix`.
    @inline(__always)
    public func covers(_ path: String) -> Bool {
        path.utf8.starts(with: pathPrefix.utf8)
    }

    /// Equal when every field is.
    public static func == (lhs: RouteConfiguration, rhs: RouteConfiguration) -> Bool {
        lhs === rhs
            || (lhs.pathPrefix == rhs.pathPrefix && lhs.upstream == rhs.upstream && lhs.mode == rhs.mode
                && lhs.methods == rhs.methods && lhs.maxBody == rhs.maxBody)
    }
}
