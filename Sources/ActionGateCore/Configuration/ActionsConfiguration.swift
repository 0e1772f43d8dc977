/// `actions:` — every known action and the defaults they share, with lookups for the Gate.
public struct ActionsConfiguration: Sendable, Equatable {
    /// What happens to a request naming an action that is not known.
    public enum UnknownActionPolicy: String, Sendable, Equatable, CaseIterable {
        /// 404 `unknown_action` (the only mode: unknown actions never reach a handler).
        case reject
    }

    /// `unknown`, default and only value `reject`.
    public let unknown: UnknownActionPolicy
    /// `default_policy`: the policy of actions that name none (and of manifest imports).
    public let defaultPolicy: String?
    /// `nextjs_manifest`: absolute path of the imported `server-reference-manifest.json`, if any.
    public let nextjsManifest: String?
    /// `missing_origin`, default `reject`: for actions that do not set their own.
    public let missingOrigin: MissingOriginPolicy
    /// Every action: `list` entries in file order, then manifest imports sorted by id.
    public let list: [ActionConfiguration]
    /// Actions by id.
    public let byID: [String: ActionConfiguration]
    /// Actions by `path`.
    public let byPath: [String: ActionConfiguration]
    /// Actions by `LoosePath(path)`: spellings of an action's path that an upstream router may
    /// treat as that path (case, a trailing slash, `;` parameters) identify the action too.
    public let byLoosePath: [LoosePath: ActionConfiguration]

    /// The actions section from resolved actions (ids and paths must be unique; later ones win).
    public init(
        unknown: UnknownActionPolicy = .reject,
        defaultPolicy: String? = nil,
        nextjsManifest: String? = nil,
        missingOrigin: MissingOriginPolicy = .reject,
        list: [ActionConfiguration] = []
    ) {
        self.unknown = unknown
        self.defaultPolicy = defaultPolicy
        self.nextjsManifest = nextjsManifest
        self.missingOrigin = missingOrigin
        self.list = list
        var byID: [String: ActionConfiguration] = [:]
        var byPath: [String: ActionConfiguration] = [:]
        var byLoosePath: [LoosePath: ActionConfiguration] = [:]
        for action in list {
            byID[action.id] = action
            if let path = action.path {
                byPath[path] = action
                byLoosePath[LoosePath(path)] = action
            }
        }
        self.byID = byID
        self.byPath = byPath
        self.byLoosePath = byLoosePath
    }

    /// The number of actions imported from the Next.js manifest.
    public var manifestCount: Int {
        list.count { $0.source == .nextjsManifest }
    }
}
