/// What to do with an action request that carries no `Origin` header and no `Sec-Fetch-Site`
/// (`missing_origin:` in `actions:` or on one action).
public enum MissingOriginPolicy: String, Sendable, Equatable, CaseIterable {
    /// Refuse with 403 `origin_rejected` (the default): browsers send `Origin` on every POST.
    case reject
    /// Allow: for non-browser clients (scripts, server-to-server) of this action.
    case allow
}
