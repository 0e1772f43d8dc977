/// One known action: an entry of `actions.list`, or an id imported from the Next.js manifest.
///
/// Values here are resolved: defaults from `limits:` and `actions:` are already applied, and `policy`
/// is the policy itself, so the Gate needs no further lookups.
///
/// An immutable class, not a struct: the Gate carries the action it identified through each
/// request's pending state, and every copy of a struct this size was a dozen reference counts,
/// taken on objects all event loops share. Equality is by value.
public final class ActionConfiguration: Sendable, Equatable {
    /// Whether a request for this action must carry sealed bound arguments.
    public enum BoundArgumentsRequirement: String, Sendable, Equatable, CaseIterable {
        /// A request without bound arguments is refused with 403 `bound_args_rejected`.
        case required
        /// Bound arguments are opened and checked when present (the default).
        case optional
    }

    /// Where the action came from.
    public enum Source: Sendable, Equatable {
        /// `actions.list`, at this line of the configuration file.
        case configured(line: Int)
        /// `actions.nextjs_manifest`.
        case nextjsManifest
    }

    /// The default `content_types`: what browsers and Next.js send for actions.
    public static let defaultContentTypes = [
        "multipart/form-data", "application/x-www-form-urlencoded", "text/plain", "application/json",
    ]

    /// `id`: the action id (`Next-Action` header, `$ACTION_ID_<id>` field, bound-args context).
    public let id: String
    /// `path`: an exact normalised path that also identifies the action, if any.
    public let path: String?
    /// `policy` (or `actions.default_policy`), resolved.
    public let policy: Policy
    /// `max_body` (or `limits.max_body`).
    public let maxBody: ByteSize
    /// `content_types`: allowed media types, lowercase, without parameters.
    public let contentTypes: [String]
    /// `issues_session`, default false: the upstream may issue or clear a session.
    public let issuesSession: Bool
    /// `missing_origin` (or `actions.missing_origin`).
    public let missingOrigin: MissingOriginPolicy
    /// `bound_args`, default `optional`.
    public let boundArguments: BoundArgumentsRequirement
    /// `enforce`, default true; false is shadow mode: a denial is logged and the request forwarded.
    public let enforce: Bool
    /// Where the action came from.
    public let source: Source

    /// An action from resolved parts.
    public init(
        id: String,
        path: String? = nil,
        policy: Policy,
        maxBody: ByteSize = LimitsConfiguration().maxBody,
        contentTypes: [String] = ActionConfiguration.defaultContentTypes,
        issuesSession: Bool = false,
        missingOrigin: MissingOriginPolicy = .reject,
        boundArguments: BoundArgumentsRequirement = .optional,
        enforce: Bool = true,
        source: Source = .nextjsManifest
    ) {
        self.id = id
        self.path = path
        self.policy = policy
        self.maxBody = maxBody
        self.contentTypes = contentTypes
        self.issuesSession = issuesSession
        self.missingOrigin = missingOrigin
        self.boundArguments = boundArguments
        self.enforce = enforce
        self.source = source
    }

    /// True when `mediaType` (lowercase, without parameters) is in `contentTypes`.
    @inline(__always)
    public func allowsContentType(_ mediaType: String) -> Bool {
        contentTypes.contains(mediaType)
    }

    /// Equal when every field is.
    public static func == (lhs: ActionConfiguration, rhs: ActionConfiguration) -> Bool {
        lhs === rhs
            || (lhs.id == rhs.id && lhs.path == rhs.path && lhs.policy == rhs.policy && lhs.maxBody == rhs.maxBody
                && lhs.contentTypes == rhs.contentTypes && lhs.issuesSession == rhs.issuesSession
                && lhs.missingOrigin == rhs.missingOrigin && lhs.boundArguments == rhs.boundArguments
                && lhs.enforce == rhs.enforce && lhs.source == rhs.source)
    }
}
