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
    /// The `data` value's JSON bytes exactly as sealed (forward these rather than re-serialising).
    public let rawData: [UInt8]
    /// `data` as given to the public initialiser; nil for opened tokens, whose `data` is parsed on demand.
    private let givenData: JSONValue?

    /// The sealed `data` value.
    ///
    /// For an opened token it is parsed from `rawData` on each access: most openers only forward
    /// `rawData`, so `open` validates the bytes strictly but does not build the value (read it once).
    /// `open` accepted `rawData` with a validation that refuses exactly what the parser refuses, so the
    /// parse cannot fail; if it somehow did, the value is `.null`, which every claims check refuses.
    public var data: JSONValue {
        if let givenData { return givenData }
        do { return try JSONValue(parsing: rawData) } catch { return .null }
    }

    /// Creates an opened token with its `data` value given.
    public init(
        keyID: UInt32, purpose: TokenPurpose, iat: Int64, exp: Int64, authTime: Int64?, data: JSONValue,
        rawData: [UInt8]
    ) {
        self.keyID = keyID
        self.purpose = purpose
        self.iat = iat
        self.exp = exp
        self.authTime = authTime
        self.rawData = rawData
        self.givenData = data
    }

    /// Creates an opened token whose `data` is parsed from `rawData`, which must be strict JSON already
    /// validated (as `SealedToken.open` does).
    init(keyID: UInt32, purpose: TokenPurpose, iat: Int64, exp: Int64, authTime: Int64?, validatedRawData: [UInt8]) {
        self.keyID = keyID
        self.purpose = purpose
        self.iat = iat
        self.exp = exp
        self.authTime = authTime
        self.rawData = validatedRawData
        self.givenData = nil
    }

    /// Equal when every field, `rawData` and `data` are equal (however `data` was obtained).
    public static func == (lhs: OpenedToken, rhs: OpenedToken) -> Bool {
        lhs.keyID == rhs.keyID && lhs.purpose == rhs.purpose && lhs.iat == rhs.iat && lhs.exp == rhs.exp
            && lhs.authTime == rhs.authTime && lhs.rawData == rhs.rawData && lhs.data == rhs.data
    }

    /// Hashes the fields and `rawData` (equal tokens have equal `rawData`, so `data` adds nothing).
    public func hash(into hasher: inout Hasher) {
        hasher.combine(keyID)
        hasher.combine(purpose)
        hasher.combine(iat)
        hasher.combine(exp)
        hasher.combine(authTime)
        hasher.combine(rawData)
    }
}
