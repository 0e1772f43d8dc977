#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a token is bound to; it becomes part of the AAD, so a token opens only in the same context.
///
/// A different cookie name, action or subject makes the tag fail: the opener reports `bad_tag`,
/// indistinguishable from forgery by design.
public enum TokenContext: Sendable, Hashable {
    /// A session cookie with this name (purpose 0x01).
    case session(cookieName: String)
    /// Bound arguments for `action`; with a subject they are tied to that user too (purpose 0x03),
    /// without one (nil) they are not (0x02). An opener that knows the subject still opens 0x02 tokens;
    /// an opener without a subject never opens 0x03 tokens.
    case boundArguments(action: String, subject: String?)

    /// The purpose a token sealed in this context carries.
    public var sealingPurpose: TokenPurpose {
        switch self {
        case .session: .session
        case .boundArguments(_, let subject): subject == nil ? .boundArguments : .subjectBoundArguments
        }
    }

    /// Whether a token whose header says `purpose` belongs to this kind of context.
    func accepts(_ purpose: TokenPurpose) -> Bool {
        switch self {
        case .session: purpose == .session
        case .boundArguments: purpose == .boundArguments || purpose == .subjectBoundArguments
        }
    }

    /// Runs `body` with the AAD of a token of `purpose` sealed with key `keyID` — header || context —
    /// built on the stack; `body` gets nil when this context cannot produce it (a 0x03 token without a
    /// subject, or an action id containing 0x00, which would make the action/subject split ambiguous).
    func withAdditionalData<Result>(
        purpose: TokenPurpose, keyID: UInt32, _ body: (UnsafeRawBufferPointer?) -> Result
    ) -> Result {
        // The strings are read in place, not copied into variables first: this runs on every seal and
        // open, and each copy costs reference counting.
        switch self {
        case .session(let cookieName):
            return Self.withUTF8(cookieName) { name in
                Self.withAdditionalData(purpose: purpose, keyID: keyID, first: name, second: nil, body)
            }
        case .boundArguments(let action, let subject):
            guard purpose == .subjectBoundArguments else {
                return Self.withUTF8(action) { action in
                    Self.withAdditionalData(purpose: purpose, keyID: keyID, first: action, second: nil, body)
                }
            }
            guard let subject else { return body(nil) }
            return Self.withUTF8(action) { action in
                Self.withUTF8(subject) { subject in
                    Self.withAdditionalData(purpose: purpose, keyID: keyID, first: action, second: subject, body)
                }
            }
        }
    }

    /// The AAD from the context's bytes: `first`, then for bound arguments a 0x00 and `second` (if any).
    private static func withAdditionalData<Result>(
        purpose: TokenPurpose, keyID: UInt32, first: UnsafeRawBufferPointer, second: UnsafeRawBufferPointer?,
        _ body: (UnsafeRawBufferPointer?) -> Result
    ) -> Result {
        let isBound = purpose != .session
        if isBound, let base = first.baseAddress, memchr(base, 0, first.count) != nil { return body(nil) }
        let secondCount = second?.count ?? 0
        let count = SealedToken.headerSize + first.count + (isBound ? 1 : 0) + secondCount
        return withUnsafeTemporaryAllocation(byteCount: count, alignment: 8) { aad in
            SealedToken.writeHeader(purpose: purpose, keyID: keyID, into: aad)
            var offset = SealedToken.headerSize
            copy(first, into: aad, at: offset)
            offset += first.count
            if isBound {
                aad[offset] = 0
                offset += 1
            }
            if let second { copy(second, into: aad, at: offset) }
            return body(UnsafeRawBufferPointer(aad))
        }
    }

    /// `text`'s UTF-8 in place when it is contiguous (native strings always are), else from a copy.
    private static func withUTF8<Result>(_ text: String, _ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        if let result = text.utf8.withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) {
            return result
        }
        return Array(text.utf8).withUnsafeBytes(body)
    }

    private static func copy(_ part: UnsafeRawBufferPointer, into buffer: UnsafeMutableRawBufferPointer, at offset: Int)
    {
        guard part.count > 0 else { return }
        UnsafeMutableRawBufferPointer(rebasing: buffer[offset..<offset + part.count]).copyMemory(from: part)
    }
}
