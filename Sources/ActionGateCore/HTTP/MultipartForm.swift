/// A bounded `multipart/form-data` scanner (RFC 7578, framing from RFC 2046 §5.1.1) that returns
/// the field names and the `$ACTION_` values the Gate needs.
///
/// The gateway and the upstream must split a body into the same parts, or an attacker can hide an
/// action marker from one of them. So where parsers in the wild disagree, this one refuses:
/// - Delimiters are exactly `CRLF--boundary` (the first may open the body); a bare-LF delimiter,
///   and any other occurrence of `--boundary` — in a preamble, a part, or the epilogue — is a
///   `strayBoundary`. A sender picks a boundary that does not occur in its content (RFC 2046), so
///   real clients never hit this.
/// - After a delimiter comes exactly CRLF, or `--` for the last one; no transport padding.
/// - Part header lines end in CRLF; bare CR or LF, obs-fold, or a missing blank line is malformed.
/// - Each part has exactly one `Content-Disposition: form-data` with exactly one `name`; `name*` /
///   `filename*` (RFC 5987, which busboy decodes and RFC 7578 §4.2 forbids) are refused.
/// - Names are read as WHATWG/undici do (a quoted name ends at the next `"`; `%22`, `%0D`, `%0A`
///   decode to `"`, CR, LF). A Content-Disposition with `\` is read both that way and with RFC 9110
///   escapes (busboy); if the readings disagree on the name or on file-ness, it is ambiguous.
/// Other part headers (`Content-Type`, …) are ignored; nested multipart is not parsed.
public enum MultipartForm {
    /// Scans `body` framed with `boundary` (the `boundary` parameter of its `Content-Type`).
    ///
    /// Bounded by `limits` (parts, part-header bytes, name length, kept `$ACTION_` value bytes) and
    /// by the body length, which the caller bounds; linear time in the body length.
    public static func parse(
        _ body: [UInt8],
        boundary: String,
        limits: FormFields.Limits = FormFields.Limits()
    ) throws(MultipartFormError) -> FormFields {
        guard let pattern = delimiterPattern(boundary) else { throw .invalidBoundary }
        let result = body.withUnsafeBufferPointer { bytes in
            var scanner = MultipartScanner(bytes: bytes, finder: BoundaryFinder(pattern: pattern), limits: limits)
            return scanner.scan()
        }
        return try result.get()
    }

    /// Scans `body` using the boundary of `contentType`, which must be `multipart/form-data`.
    public static func parse(
        _ body: [UInt8],
        contentType: ContentType,
        limits: FormFields.Limits = FormFields.Limits()
    ) throws(MultipartFormError) -> FormFields {
        guard contentType.mediaType == "multipart/form-data" else { throw .notFormData }
        guard let boundary = contentType.boundary else { throw .missingBoundary }
        return try parse(body, boundary: boundary, limits: limits)
    }

    /// `--` + boundary, when the boundary is valid (RFC 2046: 1–70 `bchars`, not ending in space).
    static func delimiterPattern(_ boundary: String) -> [UInt8]? {
        boundary.withUTF8Buffer { bytes -> [UInt8]? in
            guard (1...70).contains(bytes.count), bytes[bytes.count &- 1] != ASCII.space else { return nil }
            for byte in bytes where !isBoundaryByte(byte) { return nil }
            var pattern: [UInt8] = []
            pattern.reserveCapacity(bytes.count &+ 2)
            pattern.append(ASCII.hyphen)
            pattern.append(ASCII.hyphen)
            pattern.append(contentsOf: bytes)
            return pattern
        }
    }

    /// RFC 2046 `bchars`: DIGIT / ALPHA / `'()+_,-./:=?` / space.
    private static func isBoundaryByte(_ byte: UInt8) -> Bool {
        if ASCII.isAlpha(byte) || ASCII.isDigit(byte) { return true }
        switch byte {
        case 0x27, 0x28, 0x29, 0x2B, 0x5F, 0x2C, 0x2D, 0x2E, 0x2F, 0x3A, 0x3D, 0x3F, 0x20: return true
        default: return false
        }
    }
}

/// Why a multipart body was refused; every case maps to 400 `malformed_request`.
///
/// Stable codes for the audit log; the body is never echoed.
public enum MultipartFormError: String, Error, Sendable, Equatable, CaseIterable {
    /// The content type is not `multipart/form-data`.
    case notFormData = "not_form_data"
    /// The content type has no `boundary` parameter.
    case missingBoundary = "missing_boundary"
    /// The boundary is empty, longer than 70 bytes, ends in a space or has bytes outside RFC 2046 `bchars`.
    case invalidBoundary = "invalid_boundary"
    /// The body never contains `--boundary`.
    case missingDelimiter = "missing_delimiter"
    /// `--boundary` outside a delimiter (no CRLF before it, or after the last part).
    case strayBoundary = "stray_boundary"
    /// A delimiter followed by something other than CRLF or `--`.
    case malformedDelimiter = "malformed_delimiter"
    /// The body ends before the close delimiter `--boundary--`.
    case unterminated = "unterminated"
    /// More parts than `limits.maxFields`.
    case tooManyParts = "too_many_parts"
    /// One part's header block is longer than `limits.maxPartHeaderBytes`.
    case partHeadersTooLarge = "part_headers_too_large"
    /// Bare CR or LF, obs-fold, a line without `name:`, a control byte, or no blank line.
    case malformedPartHeaders = "malformed_part_headers"
    /// A part without `Content-Disposition`.
    case missingContentDisposition = "missing_content_disposition"
    /// A part with two `Content-Disposition` lines.
    case duplicateContentDisposition = "duplicate_content_disposition"
    /// Not `form-data`, no `name`, a repeated `name`/`filename`, a `*` parameter, or bad syntax.
    case invalidContentDisposition = "invalid_content_disposition"
    /// Escape-aware and WHATWG readings of the Content-Disposition disagree.
    case ambiguousContentDisposition = "ambiguous_content_disposition"
    /// A decoded field name longer than `limits.maxFieldNameBytes`.
    case fieldNameTooLong = "field_name_too_long"

    /// The rejection this error leads to.
    public var reason: RejectionReason { .malformedRequest }
}
