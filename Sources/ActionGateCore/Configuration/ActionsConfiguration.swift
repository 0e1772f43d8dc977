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
    /// Actions by `looseKey(path)`: spellings of an action's path that an upstream router may
    /// treat as that path (case, a trailing slash, `;` parameters) identify the action too.
    public let byLoosePath: [String: ActionConfiguration]

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
        var byLoosePath: [String: ActionConfiguration] = [:]
        for action in list {
            byID[action.id] = action
            if let path = action.path {
                byPath[path] = action
                byLoosePath[Self.looseKey(path)] = action
            }
        }
        self.byID = byID
        self.byPath = byPath
        self.byLoosePath = byLoosePath
    }

    /// True when `looseKey(path) == path`: no upper-case ASCII, no `;`, no trailing slash.
    public static func isLooseKey(_ path: String) -> Bool {
        var last: UInt8 = 0
        var count = 0
        for byte in path.utf8 {
            if byte == UInt8(ascii: ";") || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) { return false }
            last = byte
            count &+= 1
        }
        return count <= 1 || last != UInt8(ascii: "/")
    }

    /// `path` as a lenient router would match it: ASCII lowercased, each segment cut at its first
    /// `;` (path parameters, which Tomcat and Spring drop), trailing slashes removed (Express and
    /// many others ignore one). Two configured paths with the same key are refused at load: an
    /// upstream could not tell them apart either.
    public static func looseKey(_ path: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(path.utf8.count)
        var inParameters = false
        for byte in path.utf8 {
            if byte == UInt8(ascii: "/") {
                inParameters = false
            } else if byte == UInt8(ascii: ";") {
                inParameters = true
            }
            if !inParameters { bytes.append(UInt8.asciiLowercased(byte)) }
        }
        while bytes.count > 1, bytes.last == UInt8(ascii: "/") { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The number of actions imported from the Next.js manifest.
    public var manifestCount: Int {
        list.count { $0.source == .nextjsManifest }
    }
}
