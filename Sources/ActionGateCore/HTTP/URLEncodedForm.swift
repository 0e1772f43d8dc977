/// An `application/x-www-form-urlencoded` body (WHATWG URL §5.1) reduced to field names and the
/// `$ACTION_` values, with strict percent decoding.
///
/// Fields are split on `&`, empty fields are skipped, a field without `=` has an empty value, and
/// `+` is a space. Unlike WHATWG (which keeps a bad `%` literally), a `%` not followed by two hex
/// digits is refused anywhere in the body: a gateway that reads `%` one way and an upstream
/// another could disagree on a field name. Decoded bytes that are not UTF-8 become U+FFFD, as in
/// `URLSearchParams`.
public enum URLEncodedForm {
    /// Parses `body`; only the names and `$ACTION_` values are kept (see `FormFields`).
    ///
    /// Bounded by `limits.maxFields`, `maxFieldNameBytes` and `maxActionValueBytes`
    /// (`maxPartHeaderBytes` does not apply); linear in the body length.
    public static func parse(
        _ body: [UInt8],
        limits: FormFields.Limits = FormFields.Limits()
    ) throws(URLEncodedFormError) -> FormFields {
        let result = body.withUnsafeBufferPointer { bytes in parse(bytes, limits: limits) }
        return try result.get()
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>, limits: FormFields.Limits) -> Result<
        FormFields, URLEncodedFormError
    > {
        var fields = FormFields()
        var start = 0
        while start < bytes.count {
            var end = start
            var equals: Int?
            while end < bytes.count && bytes[end] != ASCII.ampersand {
                if bytes[end] == ASCII.equals && equals == nil { equals = end }
                end &+= 1
            }
            defer { start = end &+ 1 }
            if end == start { continue }
            guard fields.names.count < limits.maxFields else { return .failure(.tooManyFields) }
            let nameRange = start..<(equals ?? end)
            let valueRange = equals.map { ($0 &+ 1)..<end } ?? end..<end
            guard nameRange.count <= limits.maxFieldNameBytes &* 3 else { return .failure(.fieldNameTooLong) }
            let name: [UInt8]
            switch decode(bytes, nameRange, cap: Int.max) {
            case .success(let decoded): name = decoded.bytes
            case .failure(let error): return .failure(error)
            }
            guard name.count <= limits.maxFieldNameBytes else { return .failure(.fieldNameTooLong) }
            let nameString = String(decoding: name, as: UTF8.self)
            fields.names.append(nameString)
            if name.starts(with: FormFields.actionPrefixBytes) {
                switch decode(bytes, valueRange, cap: limits.maxActionValueBytes) {
                case .success(let value):
                    fields.actionFields.append(
                        FormFields.ActionField(name: nameString, value: value.bytes, isTruncated: value.truncated)
                    )
                case .failure(let error):
                    return .failure(error)
                }
            } else if let error = validate(bytes, valueRange) {
                return .failure(error)
            }
        }
        return .success(fields)
    }

    /// Percent- and `+`-decodes `range`, keeping at most `cap` bytes (the rest is still validated).
    private static func decode(
        _ bytes: UnsafeBufferPointer<UInt8>,
        _ range: Range<Int>,
        cap: Int
    ) -> Result<(bytes: [UInt8], truncated: Bool), URLEncodedFormError> {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(min(range.count, cap))
        var truncated = false
        var index = range.lowerBound
        while index < range.upperBound {
            var byte = bytes[index]
            if byte == ASCII.percent {
                guard range.upperBound &- index > 2,
                    let high = ASCII.hexValue(bytes[index &+ 1]),
                    let low = ASCII.hexValue(bytes[index &+ 2])
                else { return .failure(.invalidPercentEncoding) }
                byte = high &<< 4 | low
                index &+= 3
            } else {
                if byte == ASCII.plus { byte = ASCII.space }
                index &+= 1
            }
            if decoded.count < cap { decoded.append(byte) } else { truncated = true }
        }
        return .success((decoded, truncated))
    }

    /// Checks the escapes of a value that is not kept.
    private static func validate(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> URLEncodedFormError? {
        var index = range.lowerBound
        while index < range.upperBound {
            if bytes[index] == ASCII.percent {
                guard range.upperBound &- index > 2, ASCII.hexValue(bytes[index &+ 1]) != nil,
                    ASCII.hexValue(bytes[index &+ 2]) != nil
                else { return .invalidPercentEncoding }
                index &+= 3
            } else {
                index &+= 1
            }
        }
        return nil
    }
}

/// Why a URL-encoded body was refused; every case maps to 400 `malformed_request`.
public enum URLEncodedFormError: String, Error, Sendable, Equatable, CaseIterable {
    /// `%` not followed by two hex digits.
    case invalidPercentEncoding = "invalid_percent_encoding"
    /// More fields than `limits.maxFields`.
    case tooManyFields = "too_many_fields"
    /// A decoded field name longer than `limits.maxFieldNameBytes`.
    case fieldNameTooLong = "field_name_too_long"

    /// The rejection this error leads to.
    public var reason: RejectionReason { .malformedRequest }
}
