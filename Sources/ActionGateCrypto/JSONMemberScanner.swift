/// Finds where a top-level member's value lies in a JSON object's bytes.
///
/// Token openers use this so `OpenedToken.rawData` carries the sealed "data" bytes verbatim; the
/// document is validated as strictly as `JSONValue(parsing:)` before any range is returned.
public enum JSONMemberScanner {
    /// The byte offsets of the value of top-level member `name`, or nil if the document is not an
    /// object or lacks the member.
    ///
    /// - Throws: `JSONError` if `bytes` is not one strict JSON text.
    public static func valueRange(ofMember name: String, in bytes: some Collection<UInt8>) throws(JSONError)
        -> Range<Int>?
    {
        try JSONValue.parse(bytes, capturingMember: name).memberRange
    }
}
