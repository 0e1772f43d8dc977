/// The authenticated content of a token that passed every check of `SealedToken.open`.
public struct OpenedToken: Sendable, Hashable {
    /// Id of the key that sealed it.
    public let keyID: UInt32
    /// The purpose from its header.
    public let purpose: TokenPurpose
    /// Issued-at, unix seconds.
    public let iat: Int64
    /// Expiry, unix seconds (accepted until `exp` + skew).
    public let exp: Int64
    /// First sign-in time for sessions (`auth_time`), unix seconds; nil when absent (then it is `iat`).
    public let authTime: Int64?
    /// The sealed `data` value.
    public let data: JSONValue
    /// The `data` value's JSON bytes exactly as sealed (forward these rather than re-serialising).
    public let rawData: [UInt8]

    /// Creates an opened token (normally only `SealedToken.open` does).
    public init(
        keyID: UInt32, purpose: TokenPurpose, iat: Int64, exp: Int64, authTime: Int64?, data: JSONValue,
        rawData: [UInt8]
    ) {
        self.keyID = keyID
        self.purpose = purpose
        self.iat = iat
        self.exp = exp
        self.authTime = authTime
        self.data = data
        self.rawData = rawData
    }
}
