/// `bound_args:` — limits for sealed closure values (DESIGN.md "Bound arguments").
public struct BoundArgumentsConfiguration: Sendable, Equatable {
    /// `max_ttl`, default 1h: the longest lifetime a seal request may ask for; also the longest
    /// bound-args token lifetime `keys retire` waits for.
    public let maxTTL: ConfigDuration
    /// `max_size`, default 8KiB: the largest arguments JSON that may be sealed.
    public let maxSize: ByteSize

    /// The bound-arguments limits.
    public init(maxTTL: ConfigDuration = .seconds(3600), maxSize: ByteSize = ByteSize(bytes: 8 << 10)) {
        self.maxTTL = maxTTL
        self.maxSize = maxSize
    }
}
