/// The header block of one multipart part, reduced to what the Gate needs: the field name, whether
/// the part is a file, and where its body starts.
struct PartHeaders {
    var name: String
    var isFile: Bool
    var isActionField: Bool
    var bodyStart: Int

    private static let contentDisposition: [UInt8] = Array("content-disposition".utf8)

    /// Parses the header lines at the start of `part` (which ends before the next delimiter's CRLF).
    static func parse(
        _ bytes: UnsafeBufferPointer<UInt8>,
        _ part: Range<Int>,
        limits: FormFields.Limits
    ) -> Result<PartHeaders, MultipartFormError> {
        let headerLimit = part.lowerBound &+ min(part.count, limits.maxPartHeaderBytes)
        var lineStart = part.lowerBound
        var disposition: ContentDisposition?
        while true {
            var lineEnd = lineStart
            while lineEnd < headerLimit && bytes[lineEnd] != ASCII.cr && bytes[lineEnd] != ASCII.lf { lineEnd &+= 1 }
            guard lineEnd &+ 1 < headerLimit else {
                return .failure(headerLimit < part.upperBound ? .partHeadersTooLarge : .malformedPartHeaders)
            }
            guard bytes[lineEnd] == ASCII.cr && bytes[lineEnd &+ 1] == ASCII.lf else {
                return .failure(.malformedPartHeaders)
            }
            if lineEnd == lineStart { break }
            switch headerLine(bytes, lineStart..<lineEnd) {
            case .failure(let error):
                return .failure(error)
            case .success(nil):
                break
            case .success(let value?):
                guard disposition == nil else { return .failure(.duplicateContentDisposition) }
                switch ContentDisposition.parse(bytes.slice(value), limits: limits) {
                case .success(let parsed): disposition = parsed
                case .failure(let error): return .failure(error)
                }
            }
            lineStart = lineEnd &+ 2
        }
        guard let disposition else { return .failure(.missingContentDisposition) }
        return .success(
            PartHeaders(
                name: disposition.name,
                isFile: disposition.isFile,
                isActionField: disposition.isActionField,
                bodyStart: lineStart &+ 2
            )
        )
    }

    /// Checks one header line; returns the value range when it is `Content-Disposition`.
    private static func headerLine(_ bytes: UnsafeBufferPointer<UInt8>, _ line: Range<Int>) -> Result<
        Range<Int>?, MultipartFormError
    > {
        var colon = line.lowerBound
        while colon < line.upperBound && ASCII.isTokenByte(bytes[colon]) { colon &+= 1 }
        // An empty name covers obs-fold (a line starting with SP/HTAB) and whitespace before `:`.
        guard colon > line.lowerBound, colon < line.upperBound, bytes[colon] == ASCII.colon else {
            return .failure(.malformedPartHeaders)
        }
        for index in (colon &+ 1)..<line.upperBound {
            let byte = bytes[index]
            if ASCII.isControl(byte) && byte != ASCII.tab { return .failure(.malformedPartHeaders) }
        }
        guard ASCII.equalsLowercase(bytes.slice(line.lowerBound..<colon), contentDisposition) else {
            return .success(nil)
        }
        return .success(ASCII.trimmedOWS(bytes, (colon &+ 1)..<line.upperBound))
    }
}
