/// The outcome of the origin (CSRF) check of DESIGN.md step 7, with its reason code.
public enum OriginDecision: Sendable, Equatable {
    /// Why a request was allowed.
    public enum AllowReason: String, Sendable, Equatable {
        /// `Origin` is one of `public_origins`.
        case publicOrigin = "public_origin"
        /// `Origin` matches an allowed-origins entry.
        case allowedOriginsEntry = "allowed_origins_entry"
        /// No `Origin`, but the browser said `Sec-Fetch-Site: same-origin`.
        case sameOriginFetch = "same_origin_fetch"
        /// No `Origin`, no fetch metadata, and `missing_origin: allow`.
        case missingOriginAllowed = "missing_origin_allowed"
    }

    /// Why a request was refused (403 `origin_rejected` or 400 `malformed_origin`).
    public enum RejectReason: String, Sendable, Equatable {
        /// `Origin: null` (sandboxed frames, `file:`, some redirects): never trusted.
        case nullOrigin = "null_origin"
        /// A well-formed origin that is neither public nor allowed.
        case notAllowed = "origin_not_allowed"
        /// No `Origin` and nothing else that vouches for the request.
        case missingOrigin = "missing_origin"
        /// No `Origin` while `Sec-Fetch-Site` says the request came from another site: a browser
        /// sends `Origin` with every cross-site POST, so this is refused even with `missing_origin: allow`.
        case crossSiteWithoutOrigin = "cross_site_without_origin"
        /// Two `Origin` lines, or a list of origins in one line.
        case multipleOrigins = "multiple_origins"
        /// Not `scheme://host[:port]`.
        case malformedOrigin = "malformed_origin"
    }

    /// Allowed; `line` is the allowed-origins file line that matched, when one did.
    case allowed(AllowReason, line: Int? = nil)
    /// Refused with 403 `origin_rejected`.
    case rejected(RejectReason)
    /// Refused with 400 `malformed_origin` (`multipleOrigins` or `malformedOrigin`).
    case malformed(RejectReason)

    /// True for `.allowed`.
    public var isAllowed: Bool {
        if case .allowed = self { true } else { false }
    }

    /// The rejection to send, or `nil` when allowed.
    public var rejectionReason: RejectionReason? {
        switch self {
        case .allowed: nil
        case .rejected: .originRejected
        case .malformed: .malformedOrigin
        }
    }

    /// The stable reason code for logs and `origins test` (`public_origin`, `null_origin`, …).
    public var code: String {
        switch self {
        case .allowed(let reason, _): reason.rawValue
        case .rejected(let reason), .malformed(let reason): reason.rawValue
        }
    }
}
