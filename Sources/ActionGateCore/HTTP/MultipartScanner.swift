/// The framing loop behind `MultipartForm.parse`: delimiters, parts, limits. See `MultipartForm`
/// for the rules and why each exists.
struct MultipartScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    let finder: BoundaryFinder
    let limits: FormFields.Limits
    private var fields = FormFields()

    init(bytes: UnsafeBufferPointer<UInt8>, finder: BoundaryFinder, limits: FormFields.Limits) {
        self.bytes = bytes
        self.finder = finder
        self.limits = limits
    }

    mutating func scan() -> Result<FormFields, MultipartFormError> {
        guard let first = finder.firstIndex(in: bytes, from: 0) else { return .failure(.missingDelimiter) }
        if first != 0 && !endsWithCRLF(first) { return .failure(.strayBoundary) }
        var cursor = first &+ finder.count
        var parts = 0
        while true {
            let remaining = bytes.count &- cursor
            if remaining >= 2 && bytes[cursor] == ASCII.hyphen && bytes[cursor &+ 1] == ASCII.hyphen {
                // The close delimiter; the epilogue is ignored, but must not hold another delimiter.
                if finder.firstIndex(in: bytes, from: cursor &+ 2) != nil { return .failure(.strayBoundary) }
                return .success(fields)
            }
            guard remaining >= 2 else { return .failure(.unterminated) }
            guard bytes[cursor] == ASCII.cr && bytes[cursor &+ 1] == ASCII.lf else {
                return .failure(.malformedDelimiter)
            }
            let partStart = cursor &+ 2
            guard let next = finder.firstIndex(in: bytes, from: partStart) else { return .failure(.unterminated) }
            guard next &- partStart >= 2 else { return .failure(.malformedPartHeaders) }
            guard endsWithCRLF(next) else { return .failure(.strayBoundary) }
            parts &+= 1
            guard parts <= limits.maxFields else { return .failure(.tooManyParts) }
            if let error = readPart(partStart..<(next &- 2)) { return .failure(error) }
            cursor = next &+ finder.count
        }
    }

    /// True when the two bytes before `index` are CRLF.
    private func endsWithCRLF(_ index: Int) -> Bool {
        index >= 2 && bytes[index &- 2] == ASCII.cr && bytes[index &- 1] == ASCII.lf
    }

    private mutating func readPart(_ part: Range<Int>) -> MultipartFormError? {
        let headers: PartHeaders
        switch PartHeaders.parse(bytes, part, limits: limits) {
        case .success(let parsed): headers = parsed
        case .failure(let error): return error
        }
        fields.names.append(headers.name)
        if headers.isActionField {
            let body = headers.bodyStart..<part.upperBound
            let kept = body.lowerBound..<(body.lowerBound &+ min(body.count, limits.maxActionValueBytes))
            fields.actionFields.append(
                FormFields.ActionField(
                    name: headers.name,
                    value: Array(bytes.slice(kept)),
                    isTruncated: kept.count < body.count,
                    isFile: headers.isFile
                )
            )
        }
        return nil
    }
}
