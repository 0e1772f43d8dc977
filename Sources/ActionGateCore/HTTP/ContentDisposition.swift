/// A multipart part's `Content-Disposition: form-data; name="…"[; filename="…"]` (RFC 7578 §4.2).
///
/// The name is read as WHATWG's multipart/form-data parser reads it (undici, so Next.js): a quoted
/// value ends at the next `"`, then `%0A`, `%0D` (any case) and `%22` decode to LF, CR and `"`. When
/// the value holds a `\`, it is also read with RFC 9110 escapes (busboy); both readings must agree
/// on the name and on file-ness, or the part is ambiguous and refused. So is a name that begins with
/// a byte order mark (undici drops it) and any RFC 2231 parameter (`name*`, `name*0`).
struct ContentDisposition {
    var name: String
    var isFile: Bool
    var isActionField: Bool

    private static let formData: [UInt8] = Array("form-data".utf8)
    private static let nameParameter: [UInt8] = Array("name".utf8)
    private static let filenameParameter: [UInt8] = Array("filename".utf8)
    private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// A reading of the parameters: the name's raw bytes (before WHATWG decoding) and file-ness.
    private struct Reading: Equatable {
        var name: [UInt8]
        var isFile: Bool
    }

    static func parse(_ value: UnsafeBufferPointer<UInt8>, limits: FormFields.Limits) -> Result<
        ContentDisposition, MultipartFormError
    > {
        var typeEnd = 0
        while typeEnd < value.count && ASCII.isTokenByte(value[typeEnd]) { typeEnd &+= 1 }
        guard ASCII.equalsLowercase(value.slice(0..<typeEnd), formData) else {
            return .failure(.invalidContentDisposition)
        }
        let raw = read(value, from: typeEnd, .raw, limits: limits)
        if value.contains(ASCII.backslash) {
            let escaped = read(value, from: typeEnd, .escapes, limits: limits)
            switch (raw, escaped) {
            case (.success(let a), .success(let b)) where a != b: return .failure(.ambiguousContentDisposition)
            case (.success, .failure), (.failure, .success): return .failure(.ambiguousContentDisposition)
            default: break
            }
        }
        switch raw {
        case .failure(let error):
            return .failure(error)
        case .success(let reading):
            // undici (so Next.js) decodes names with TextDecoder, which drops a leading BOM: a name
            // `\u{FEFF}$ACTION_ID_x` is a marker there and would be an ordinary field here.
            if reading.name.starts(with: byteOrderMark) { return .failure(.ambiguousContentDisposition) }
            let name = decodeName(reading.name)
            guard name.utf8.count <= limits.maxFieldNameBytes else { return .failure(.fieldNameTooLong) }
            let isAction = reading.name.starts(with: FormFields.actionPrefixBytes)
            return .success(ContentDisposition(name: name, isFile: reading.isFile, isActionField: isAction))
        }
    }

    private static func read(
        _ value: UnsafeBufferPointer<UInt8>,
        from start: Int,
        _ quotedStrings: ParameterScanner.QuotedStrings,
        limits: FormFields.Limits
    ) -> Result<Reading, MultipartFormError> {
        let scanner = ParameterScanner(bytes: value, quotedStrings: quotedStrings)
        var name: [UInt8]?
        var isFile = false
        var failure: MultipartFormError?
        let scanFailure = scanner.scan(from: start, limit: 64) { parameter in
            let parameterName = value.slice(parameter.name)
            if parameterName.contains(0x2A) {
                // `name*`, `filename*`, and RFC 2231 continuations `name*0`, `name*0*`: @fastify/busboy
                // (undici 5, Node 18) reads `name*0` as the name, over the plain `name`.
                failure = .invalidContentDisposition
            } else if ASCII.equalsLowercase(parameterName, nameParameter) {
                if name != nil {
                    failure = .invalidContentDisposition
                } else if parameter.value.count > limits.maxFieldNameBytes &* 3 {
                    // Bounds the copy; the exact check runs on the decoded name.
                    failure = .fieldNameTooLong
                } else {
                    name = scanner.valueBytes(parameter)
                }
            } else if ASCII.equalsLowercase(parameterName, filenameParameter) {
                if isFile { failure = .invalidContentDisposition }
                isFile = true
            }
            return failure == nil ? nil : .invalidParameter
        }
        if let failure { return .failure(failure) }
        if scanFailure != nil { return .failure(.invalidContentDisposition) }
        guard let name else { return .failure(.invalidContentDisposition) }
        return .success(Reading(name: name, isFile: isFile))
    }

    /// WHATWG multipart/form-data name decoding: `%0A`/`%0a` → LF, `%0D`/`%0d` → CR, `%22` → `"`.
    private static func decodeName(_ raw: [UInt8]) -> String {
        guard raw.contains(ASCII.percent) else { return String(decoding: raw, as: UTF8.self) }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(raw.count)
        var index = 0
        while index < raw.count {
            if raw[index] == ASCII.percent && index &+ 2 < raw.count {
                let high = raw[index &+ 1]
                let low = UInt8.asciiLowercased(raw[index &+ 2])
                let replacement: UInt8? =
                    switch (high, low) {
                    case (0x30, 0x61): ASCII.lf
                    case (0x30, 0x64): ASCII.cr
                    case (0x32, 0x32): ASCII.quote
                    default: nil
                    }
                if let replacement {
                    decoded.append(replacement)
                    index &+= 3
                    continue
                }
            }
            decoded.append(raw[index])
            index &+= 1
        }
        return String(decoding: decoded, as: UTF8.self)
    }
}
