/// An ordered list of HTTP header fields, as received or as to be sent.
///
/// Core never imports NIO, so the data plane converts its header type to and from this one. Names keep
/// the case they arrived with; every lookup compares names ASCII case-insensitively.
public struct HeaderFields: Sendable, Equatable, Sequence {
    /// One header field line.
    public struct Field: Sendable, Equatable {
        /// The name as received (any case).
        public var name: String
        /// The value as received; the data plane has already refused CR, LF and NUL.
        public var value: String
        /// The value's bytes were not UTF-8 (ISO-8859-1 `obs-text` from a legacy upstream): each byte
        /// is held as the scalar of the same number (U+0000–U+00FF) and written back as that one byte,
        /// so the value leaves exactly as it came. Request values are never such (they are refused).
        public var isLatin1: Bool

        /// A field.
        public init(name: String, value: String, isLatin1: Bool = false) {
            self.name = name
            self.value = value
            self.isLatin1 = isLatin1
        }
    }

    /// The fields in order.
    public private(set) var fields: [Field]

    /// Fields from `(name, value)` pairs, in order.
    public init(_ fields: [(String, String)] = []) {
        self.fields = fields.map { Field(name: $0.0, value: $0.1) }
    }

    /// Fields, in order.
    public init(fields: [Field]) {
        self.fields = fields
    }

    /// The number of field lines.
    public var count: Int { fields.count }

    /// Iterates the fields in order.
    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

    /// Every value of the fields named `name`, in order.
    public func values(_ name: String) -> [String] {
        var values: [String] = []
        for field in fields where field.name.asciiCaseInsensitiveEquals(name) {
            values.append(field.value)
        }
        return values
    }

    /// The first value of the fields named `name` and how many there are, without collecting them:
    /// for fields that must appear at most once (`Host`, `Content-Type`).
    public func firstValue(_ name: String) -> (value: String?, count: Int) {
        var first: String?
        var count = 0
        for field in fields where field.name.asciiCaseInsensitiveEquals(name) {
            if count == 0 { first = field.value }
            count += 1
        }
        return (first, count)
    }

    /// The value of the first field named `name`; `nil` when absent.
    ///
    /// Callers that must reject duplicates use `values(_:)` instead.
    public func first(_ name: String) -> String? {
        fields.first { $0.name.asciiCaseInsensitiveEquals(name) }?.value
    }

    /// True when some field is named `name`.
    public func contains(_ name: String) -> Bool {
        fields.contains { $0.name.asciiCaseInsensitiveEquals(name) }
    }

    /// Appends a field (after any of the same name).
    public mutating func add(_ name: String, _ value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Removes every field named `name`.
    public mutating func remove(_ name: String) {
        fields.removeAll { $0.name.asciiCaseInsensitiveEquals(name) }
    }

    /// Replaces every field named `name` with one field holding `value`.
    public mutating func replace(_ name: String, _ value: String) {
        remove(name)
        add(name, value)
    }

    /// Removes every field for which `shouldRemove` is true.
    public mutating func removeAll(where shouldRemove: (Field) -> Bool) {
        fields.removeAll(where: shouldRemove)
    }
}

extension String {
    /// ASCII case-insensitive equality, the comparison HTTP uses for header names and schemes.
    @inlinable
    public func asciiCaseInsensitiveEquals(_ other: String) -> Bool {
        // O(1) for native strings, and most header names differ in length.
        guard self.utf8.count == other.utf8.count else { return false }
        // Contiguous storage (every native and small string): compare the bytes in place.
        let inPlace = self.utf8.withContiguousStorageIfAvailable { a in
            other.utf8.withContiguousStorageIfAvailable { b in
                for index in 0..<a.count {
                    let x = a[index]
                    let y = b[index]
                    if x != y && UInt8.asciiLowercased(x) != UInt8.asciiLowercased(y) { return false }
                }
                return true
            }
        }
        if let inPlace, let equal = inPlace { return equal }
        var a = self.utf8.makeIterator()
        var b = other.utf8.makeIterator()
        while true {
            switch (a.next(), b.next()) {
            case (nil, nil):
                return true
            case (let x?, let y?):
                if x != y && UInt8.asciiLowercased(x) != UInt8.asciiLowercased(y) { return false }
            default:
                return false
            }
        }
    }
}

extension UInt8 {
    /// Folds `A`–`Z` to `a`–`z` and leaves every other byte alone.
    @inlinable
    public static func asciiLowercased(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }
}
