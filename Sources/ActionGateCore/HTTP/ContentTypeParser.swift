/// The byte-level parser behind `ContentType(parsing:)`.
struct ContentTypeParser {
    let bytes: UnsafeBufferPointer<UInt8>

    func parse() -> Result<(String, [ContentType.Parameter]), ContentTypeError> {
        var index = 0
        while index < bytes.count && ASCII.isOWS(bytes[index]) { index &+= 1 }
        guard index < bytes.count else { return .failure(.empty) }
        let typeStart = index
        while index < bytes.count && ASCII.isTokenByte(bytes[index]) { index &+= 1 }
        guard index > typeStart, index < bytes.count, bytes[index] == ASCII.slash else {
            return .failure(.invalidMediaType)
        }
        index &+= 1
        let subtypeStart = index
        while index < bytes.count && ASCII.isTokenByte(bytes[index]) { index &+= 1 }
        guard index > subtypeStart else { return .failure(.invalidMediaType) }
        let mediaType = Self.knownMediaType(bytes, typeStart..<index) ?? lowercased(typeStart..<index)

        let scanner = ParameterScanner(bytes: bytes, quotedStrings: .escapes)
        var parameters: [ContentType.Parameter] = []
        var duplicate = false
        let failure = scanner.scan(from: index, limit: ContentType.maxParameters) { parameter in
            let name = lowercased(parameter.name)
            if parameters.contains(where: { $0.name == name }) {
                duplicate = true
                return .invalidParameter
            }
            parameters.append(ContentType.Parameter(name: name, value: scanner.valueString(parameter)))
            return nil
        }
        if duplicate { return .failure(.duplicateParameter) }
        if let failure { return .failure(Self.error(failure)) }
        return .success((mediaType, parameters))
    }

    /// The media types actions are sent with, as literals: a request naming one (in any case) gets
    /// the literal, which costs no allocation, instead of a new lowercased copy.
    static let knownMediaTypes: [String] = [
        "application/json", "multipart/form-data", "application/x-www-form-urlencoded", "text/plain",
    ]

    private static func knownMediaType(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String? {
        let name = UnsafeBufferPointer(rebasing: bytes[range])
        for known in knownMediaTypes where known.utf8.count == name.count {
            var literal = known
            if literal.withUTF8({ ASCII.equalsLowercase(name, $0) }) { return known }
        }
        return nil
    }

    private func lowercased(_ range: Range<Int>) -> String {
        String(unsafeUninitializedCapacity: range.count) { out in
            for (offset, index) in range.enumerated() {
                out[offset] = UInt8.asciiLowercased(bytes[index])
            }
            return range.count
        }
    }

    private static func error(_ failure: ParameterScanner.Failure) -> ContentTypeError {
        switch failure {
        case .invalidParameter: .invalidParameter
        case .unterminatedQuotedString: .unterminatedQuotedString
        case .invalidCharacter: .invalidCharacter
        case .tooManyParameters: .tooManyParameters
        }
    }
}
