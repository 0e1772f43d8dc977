/// What the Gate decided about a request before reading its body, carried to `evaluateBody`.
public struct PendingState: Sendable, Equatable {
    /// Path, route, host and client, as resolved from the head.
    public var context: RequestContext
    /// The action identified from the head (`Next-Action` or path), if any; the body may still name
    /// one, which must then be the same.
    public var action: ActionConfiguration?

    public init(context: RequestContext, action: ActionConfiguration?) {
        self.context = context
        self.action = action
    }
}
