/// Strict parsing of JSON text into `JSONValue`.
extension JSONValue {
    /// The deepest nesting of arrays and objects a parsed document may have (the top-level container is 1).
    public static let maximumDepth = 64

    /// Parses one strict RFC 8259 JSON text from UTF-8 bytes.
    ///
    /// Refuses, with the byte offset: invalid UTF-8, duplicate keys, nesting beyond `maximumDepth`,
    /// non-finite or ungrammatical numbers, lone surrogate escapes, and anything after the value.
    public init(parsing bytes: some Collection<UInt8>) throws(JSONError) {
        self = try Self.withBytes(bytes) { buffer throws(JSONError) in
            var parser = JSONParser(buffer)
            return try parser.parseDocument()
        }
    }

    /// Parses one strict RFC 8259 JSON text from a string (see the bytes initialiser).
    public init(parsing text: some StringProtocol) throws(JSONError) {
        try self.init(parsing: text.utf8)
    }

    /// Checks that `bytes` are one strict RFC 8259 JSON text without building the value.
    ///
    /// Refuses exactly what `init(parsing:)` refuses, with the same `JSONError`; cheaper when only the
    /// verdict is wanted (nothing is allocated except a set of keys per object, for duplicate detection).
    public static func validate(_ bytes: some Collection<UInt8>) throws(JSONError) {
        try withBytes(bytes) { buffer throws(JSONError) in
            var parser = JSONParser(buffer)
            try parser.skipDocument()
        }
    }

    /// Parses a JSON text and also returns the exact byte range of one top-level member's value.
    ///
    /// The range is relative to the start of `bytes` (offsets, not indices) and is nil when the
    /// document is not an object or has no such member. Used to hand on a value exactly as it was
    /// sealed, without re-serialising it.
    public static func parse(
        _ bytes: some Collection<UInt8>, capturingMember name: String
    ) throws(JSONError) -> (value: JSONValue, memberRange: Range<Int>?) {
        try withBytes(bytes) { buffer throws(JSONError) in
            var parser = JSONParser(buffer, capturing: name)
            let value = try parser.parseDocument()
            return (value, parser.capturedRange)
        }
    }

    /// Runs `body` over contiguous bytes, copying only when the collection is not contiguous.
    static func withBytes<Result>(
        _ bytes: some Collection<UInt8>, _ body: (UnsafeRawBufferPointer) throws(JSONError) -> Result
    ) throws(JSONError) -> Result {
        let outcome = bytes.withContiguousStorageIfAvailable { buffer in
            Swift.Result { () throws(JSONError) in try body(UnsafeRawBufferPointer(buffer)) }
        }
        if let outcome { return try outcome.get() }
        return try Array(bytes).withUnsafeBytes { buffer in
            Swift.Result { () throws(JSONError) in try body(buffer) }
        }.get()
    }
}
