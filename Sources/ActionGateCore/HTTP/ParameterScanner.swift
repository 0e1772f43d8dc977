/// Scans the `*( OWS ";" OWS [ name "=" value ] ) OWS` tail shared by `Content-Type` and
/// `Content-Disposition` (RFC 9110 §5.6.6), reporting each parameter as byte ranges.
///
/// Two readings of a quoted value exist in the wild, and a gateway must know which one the
/// upstream uses: RFC 9110 quoted strings with `\` escapes (busboy, most HTTP libraries), and the
/// WHATWG multipart/form-data parser (undici's `Request.formData()`), where a quoted value simply
/// ends at the next `"`.
struct ParameterScanner {
    enum QuotedStrings {
        /// `\` escapes the next byte (RFC 9110 `quoted-pair`).
        case escapes
        /// No escapes: the value ends at the next `"` (WHATWG).
        case raw
    }

    struct Parameter {
        var name: Range<Int>
        var value: Range<Int>
        var isQuoted: Bool
    }

    enum Failure: Error {
        case invalidParameter
        case unterminatedQuotedString
        case invalidCharacter
        case tooManyParameters
    }

    let bytes: UnsafeBufferPointer<UInt8>
    let quotedStrings: QuotedStrings

    /// Scans from `start` to the end of the bytes, calling `body` per parameter (at most `limit`).
    func scan(from start: Int, limit: Int, _ body: (Parameter) -> Failure?) -> Failure? {
        var index = start
        var seen = 0
        while true {
            skipOWS(&index)
            if index == bytes.count { return nil }
            guard bytes[index] == ASCII.semicolon else { return .invalidCharacter }
            index &+= 1
            skipOWS(&index)
            if index == bytes.count { return nil }
            if bytes[index] == ASCII.semicolon { continue }
            let parameter: Parameter
            switch scanParameter(&index) {
            case .success(let scanned): parameter = scanned
            case .failure(let failure): return failure
            }
            seen &+= 1
            if seen > limit { return .tooManyParameters }
            if let failure = body(parameter) { return failure }
        }
    }

    private func scanParameter(_ index: inout Int) -> Result<Parameter, Failure> {
        let nameStart = index
        while index < bytes.count && ASCII.isTokenByte(bytes[index]) { index &+= 1 }
        guard index > nameStart, index < bytes.count, bytes[index] == ASCII.equals else {
            return .failure(.invalidParameter)
        }
        let name = nameStart..<index
        index &+= 1
        guard index < bytes.count else { return .failure(.invalidParameter) }
        if bytes[index] != ASCII.quote {
            let valueStart = index
            while index < bytes.count && ASCII.isTokenByte(bytes[index]) { index &+= 1 }
            guard index > valueStart else { return .failure(.invalidParameter) }
            return .success(Parameter(name: name, value: valueStart..<index, isQuoted: false))
        }
        index &+= 1
        let valueStart = index
        while true {
            guard index < bytes.count else { return .failure(.unterminatedQuotedString) }
            let byte = bytes[index]
            if byte == ASCII.quote { break }
            if ASCII.isControl(byte) && byte != ASCII.tab { return .failure(.invalidCharacter) }
            if byte == ASCII.backslash && quotedStrings == .escapes {
                guard index &+ 1 < bytes.count else { return .failure(.unterminatedQuotedString) }
                let escaped = bytes[index &+ 1]
                if ASCII.isControl(escaped) && escaped != ASCII.tab { return .failure(.invalidCharacter) }
                index &+= 2
            } else {
                index &+= 1
            }
        }
        let value = valueStart..<index
        index &+= 1
        return .success(Parameter(name: name, value: value, isQuoted: true))
    }

    private func skipOWS(_ index: inout Int) {
        while index < bytes.count && ASCII.isOWS(bytes[index]) { index &+= 1 }
    }

    /// The value of `parameter` as bytes: quoted values lose their `\` escapes in `.escapes` mode.
    func valueBytes(_ parameter: Parameter) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(parameter.value.count)
        var index = parameter.value.lowerBound
        while index < parameter.value.upperBound {
            let byte = bytes[index]
            if parameter.isQuoted && quotedStrings == .escapes && byte == ASCII.backslash
                && index &+ 1 < parameter.value.upperBound
            {
                result.append(bytes[index &+ 1])
                index &+= 2
            } else {
                result.append(byte)
                index &+= 1
            }
        }
        return result
    }

    /// The value of `parameter` as a string (see `valueBytes`), without copying when nothing is escaped.
    func valueString(_ parameter: Parameter) -> String {
        if parameter.isQuoted && quotedStrings == .escapes
            && bytes.slice(parameter.value).contains(ASCII.backslash)
        {
            return String(decoding: valueBytes(parameter), as: UTF8.self)
        }
        return bytes.string(parameter.value)
    }
}
