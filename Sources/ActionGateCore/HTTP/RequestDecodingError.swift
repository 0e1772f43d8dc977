/// Why bytes from a client are not a request the gateway reads: the violation (its reason code and
/// audit name) and the parser's own words for the audit log.
public struct RequestDecodingError: Error, Equatable, Sendable {
    public var violation: FramingViolation
    public var detail: String

    public init(_ violation: FramingViolation, _ detail: String) {
        self.violation = violation
        self.detail = detail
    }
}
