/// What the Gate decided about a request before reading its body, carried to `evaluateBody`.
public struct PendingState: Sendable, Equatable {
    /// The matched route's `path_prefix`.
    public var route: String
    /// The action identified from the head (header or path), if any; the body may still name one.
    public var action: String?
    /// The normalised path.
    public var path: String

    public init(route: String, action: String?, path: String) {
        self.route = route
        self.action = action
        self.path = path
    }
}
