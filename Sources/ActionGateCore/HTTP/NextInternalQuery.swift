/// Query parameters Next.js reads as its own signals rather than the application's: the locale it
/// routed to (`__nextLocale`, CVE-2024-51479: middleware authorization skipped), a data request
/// (`__nextDataReq`), and the dynamic route values of a rewrite (`nxtP<name>`, `nxtI<name>`,
/// CVE-2026-44574: the page sees another route parameter than the path the middleware checked).
/// A request carrying one is refused: the gateway never rewrites a query (it forwards it raw), and
/// no Next.js client sends these keys (the App Router sends `_rsc`; the Pages Router fetches
/// `/_next/data/…` paths), and Next.js itself takes `nxtP…`/`nxtI…` away from applications.
///
/// Keys are compared as `URLSearchParams` reads them: pairs split on `&`, the key up to the first
/// `=`, `+` as a space and `%XX` decoded, so `%5F%5FnextLocale` or `nxt%50id` are caught too.
enum NextInternalQuery {
    static let exactKeys: [[UInt8]] = [
        "__nextDataReq", "__nextLocale", "__nextDefaultLocale", "__nextInferredLocaleFromDefault", "__nextFallback",
        "__nextIsNotFound",
    ].map { Array($0.utf8) }
    /// A key longer than one of these prefixes is a route parameter Next.js injects.
    static let prefixes: [[UInt8]] = ["nxtP", "nxtI"].map { Array($0.utf8) }

    /// The first internal key in the raw `query` (decoded), or nil when it has none.
    static func internalKey(in query: String) -> String? {
        var query = query
        return query.withUTF8 { bytes -> String? in
            var start = 0
            while start <= bytes.count {
                var end = start
                while end < bytes.count && bytes[end] != ASCII.ampersand { end &+= 1 }
                var keyEnd = start
                while keyEnd < end && bytes[keyEnd] != ASCII.equals { keyEnd &+= 1 }
                let raw = UnsafeBufferPointer(rebasing: bytes[start..<keyEnd])
                if raw.contains(ASCII.percent) || raw.contains(ASCII.plus) {
                    let key = decoded(raw)
                    if isInternal(key[...]) { return String(decoding: key, as: UTF8.self) }
                } else if isInternal(raw[...]) {
                    return String(decoding: raw, as: UTF8.self)
                }
                start = end &+ 1
            }
            return nil
        }
    }

    static func isInternal<Key: Collection<UInt8>>(_ key: Key) -> Bool {
        if exactKeys.contains(where: { $0.elementsEqual(key) }) { return true }
        return prefixes.contains { key.count > $0.count && key.starts(with: $0) }
    }

    /// `application/x-www-form-urlencoded` key decoding as WHATWG does it: `+` is a space, `%XX` a
    /// byte, a `%` not followed by two hex digits stays as it is (`URLEncodedForm` refuses such a
    /// body instead; a query is forwarded raw and only looked at here).
    private static func decoded(_ raw: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var index = 0
        while index < raw.count {
            let byte = raw[index]
            if byte == ASCII.plus {
                out.append(ASCII.space)
            } else if byte == ASCII.percent, index &+ 2 < raw.count,
                let high = ASCII.hexValue(raw[index &+ 1]), let low = ASCII.hexValue(raw[index &+ 2])
            {
                out.append(high << 4 | low)
                index &+= 3
                continue
            } else {
                out.append(byte)
            }
            index &+= 1
        }
        return out
    }
}
