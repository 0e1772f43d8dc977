/// Helpers that cut a fuzz input into the pieces a target needs, the same way on every run.
enum FuzzInput {
    /// The first `limit` lines of `bytes` split at LF (a CR before it stays in the line), as text.
    static func lines(_ bytes: some Collection<UInt8>, limit: Int) -> [String] {
        bytes.split(separator: 0x0A, maxSplits: limit, omittingEmptySubsequences: false)
            .prefix(limit)
            .map { String(decoding: $0, as: UTF8.self) }
    }

    /// The bytes before and after the first occurrence of `separator`; everything is `head` without one.
    static func split(_ bytes: [UInt8], at separator: [UInt8]) -> (head: ArraySlice<UInt8>, rest: ArraySlice<UInt8>?) {
        guard !separator.isEmpty, bytes.count >= separator.count else { return (bytes[...], nil) }
        var index = 0
        while index <= bytes.count - separator.count {
            if bytes[index..<index + separator.count].elementsEqual(separator) {
                return (bytes[..<index], bytes[(index + separator.count)...])
            }
            index += 1
        }
        return (bytes[...], nil)
    }

    /// Without leading and trailing spaces and tabs (HTTP optional whitespace).
    static func trimmingOWS(_ value: String) -> String {
        let bytes = value.utf8
        guard let first = bytes.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }),
            let last = bytes.lastIndex(where: { $0 != 0x20 && $0 != 0x09 })
        else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }

    /// A `Sec-Fetch-Site` value as the origin check compares it: trimmed of SP, HTAB and CR (a CR
    /// cannot arrive in a header value; the check trims it anyway), ASCII-lowercased.
    static func fetchSite(_ value: String) -> String {
        let bytes = value.utf8
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(decoding: bytes[first...last].map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    /// HTTP optional whitespace: SP or HTAB.
    static func isOWS(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    /// RFC 9110 `tchar`, written out here rather than taken from the code under test.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        case 0x21, 0x23, 0x24, 0x25, 0x26, 0x27, 0x2A, 0x2B, 0x2D, 0x2E, 0x5E, 0x5F, 0x60, 0x7C, 0x7E: true
        default: false
        }
    }
}
