import ActionGateCore

/// Form bodies: `ContentType`, `MultipartForm` (with `$ACTION_` markers) and `URLEncodedForm`.
///
/// The input's first line is a `Content-Type` value (its boundary frames the body) and also a bare
/// boundary; the rest is the body, parsed as multipart with both and as URL-encoded, under the default
/// limits and under tiny ones. Properties: every limit holds; `$ACTION_` fields are exactly the names
/// with that prefix; `ActionMarkers` only returns well-shaped ids; URL-encoded fields survive
/// re-encoding.
enum MultipartFuzzer {
    static let tinyLimits = FormFields.Limits(
        maxFields: 4, maxFieldNameBytes: 24, maxActionValueBytes: 48, maxPartHeaderBytes: 96)

    static func run(_ input: [UInt8]) throws(PropertyViolation) {
        let (first, rest) = FuzzInput.split(input, at: [0x0A])
        var typeBytes = Array(first)
        if typeBytes.last == 0x0D { typeBytes.removeLast() }
        let typeText = String(decoding: typeBytes, as: UTF8.self)
        let body = Array(rest ?? [])
        let type = try? ContentType(parsing: typeText)
        if let type { try checkContentType(type) }
        for limits in [FormFields.Limits(), tinyLimits] {
            if let type, let fields = try? MultipartForm.parse(body, contentType: type, limits: limits) {
                try checkFields(fields, limits, nameByteFactor: 1)
            }
            if let fields = try? MultipartForm.parse(body, boundary: typeText, limits: limits) {
                try checkFields(fields, limits, nameByteFactor: 1)
            }
            if let fields = try? URLEncodedForm.parse(body, limits: limits) {
                // Undecodable bytes in names become U+FFFD (3 bytes each) after the byte limit is checked.
                try checkFields(fields, limits, nameByteFactor: 3)
                try checkURLEncodedRoundTrip(fields, limits)
            }
        }
    }

    static func checkContentType(_ type: ContentType) throws(PropertyViolation) {
        let media = Array(type.mediaType.utf8)
        try PropertyViolation.check(!media.contains { $0 >= 0x41 && $0 <= 0x5A }, "media type not lowercased")
        try PropertyViolation.check(media.filter { $0 == 0x2F }.count == 1, "media type without exactly one '/'")
        try PropertyViolation.check(type.parameters.count <= ContentType.maxParameters, "too many parameters")
        let names = type.parameters.map { Array($0.name.utf8) }
        try PropertyViolation.check(Set(names).count == names.count, "duplicate parameter names accepted")
    }

    static func checkFields(_ fields: FormFields, _ limits: FormFields.Limits, nameByteFactor: Int)
        throws(PropertyViolation)
    {
        try PropertyViolation.check(fields.names.count <= limits.maxFields, "more fields than maxFields")
        for name in fields.names {
            try PropertyViolation.check(
                name.utf8.count <= limits.maxFieldNameBytes * nameByteFactor, "a field name over maxFieldNameBytes")
        }
        let prefixed = fields.names.filter { $0.utf8.starts(with: FormFields.actionPrefix.utf8) }
        try PropertyViolation.check(
            fields.actionFields.map { Array($0.name.utf8) } == prefixed.map { Array($0.utf8) },
            "$ACTION_ fields are not exactly the names with that prefix")
        for field in fields.actionFields {
            try PropertyViolation.check(field.value.count <= limits.maxActionValueBytes, "an action value over the cap")
            if field.isTruncated {
                try PropertyViolation.check(
                    field.value.count == limits.maxActionValueBytes, "a truncated value shorter than the cap")
            }
        }
        try checkMarkers(fields)
    }

    static func checkMarkers(_ fields: FormFields) throws(PropertyViolation) {
        guard let markers = try? ActionMarkers(fields) else { return }
        for marker in markers.markers {
            try PropertyViolation.check(ActionIDShape.of(marker.id) == marker.shape, "a marker id without its shape")
        }
        let bound = fields.actionFields.filter { $0.name == ActionMarkers.boundArgumentsField }
        try PropertyViolation.check(bound.count <= 1, "several $ACTION_BOUND fields accepted")
        try PropertyViolation.check(
            (markers.boundArguments != nil) == (bound.count == 1), "$ACTION_BOUND found or lost wrongly")
        try PropertyViolation.check(markers.hasActionFields == !fields.actionFields.isEmpty, "hasActionFields is wrong")
        let references = fields.actionFields.filter { $0.name.hasPrefix("$ACTION_REF_") }.count
        try PropertyViolation.check(references <= 2, "more than two $ACTION_REF_ fields accepted")
    }

    /// Percent-encode every kept name (and `$ACTION_` value) and parse again: the same fields come back.
    static func checkURLEncodedRoundTrip(_ fields: FormFields, _ limits: FormFields.Limits) throws(PropertyViolation) {
        var values = fields.actionFields.makeIterator()
        var body: [UInt8] = []
        for name in fields.names {
            if !body.isEmpty { body.append(0x26) }
            percentEncode(Array(name.utf8), into: &body)
            body.append(0x3D)
            if name.utf8.starts(with: FormFields.actionPrefix.utf8), let field = values.next() {
                percentEncode(field.value, into: &body)
            }
        }
        let relaxed = FormFields.Limits(
            maxFields: limits.maxFields, maxFieldNameBytes: limits.maxFieldNameBytes * 3,
            maxActionValueBytes: limits.maxActionValueBytes, maxPartHeaderBytes: limits.maxPartHeaderBytes)
        guard let again = try? URLEncodedForm.parse(body, limits: relaxed) else {
            throw PropertyViolation(message: "re-encoded URL-encoded fields do not parse")
        }
        try PropertyViolation.check(
            again.names.map { Array($0.utf8) } == fields.names.map { Array($0.utf8) }, "names change on re-encoding")
        try PropertyViolation.check(
            again.actionFields.map(\.value) == fields.actionFields.map(\.value), "action values change on re-encoding")
    }

    static func percentEncode(_ bytes: [UInt8], into output: inout [UInt8]) {
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in bytes {
            let unreserved =
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x7E || byte == 0x24
            if unreserved {
                output.append(byte)
            } else {
                output.append(contentsOf: [0x25, hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
            }
        }
    }
}
