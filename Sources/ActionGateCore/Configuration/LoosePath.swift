/// A path compared the way lenient upstream routers compare paths: ASCII case folded, each
/// segment cut at its first `;` (path parameters, which Tomcat and Spring drop), trailing slashes
/// ignored (Express and many others ignore one). `/actions/DeleteUser/` and `/actions/deleteuser;x`
/// are the same `LoosePath` as `/actions/deleteUser`.
///
/// Hashing and equality read the original string's bytes in place, so looking a request's path up
/// among the actions' loose paths allocates nothing.
public struct LoosePath: Hashable, Sendable {
    /// The path as given.
    public let path: String

    public init(_ path: String) {
        self.path = path
    }

    /// The loose form as a string (`/actions/deleteuser`), for messages and tests.
    public var key: String {
        var bytes: [UInt8] = []
        var iterator = Bytes(path)
        while let byte = iterator.next() { bytes.append(byte) }
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func == (lhs: LoosePath, rhs: LoosePath) -> Bool {
        var left = Bytes(lhs.path)
        var right = Bytes(rhs.path)
        while true {
            let (a, b) = (left.next(), right.next())
            guard a == b else { return false }
            if a == nil { return true }
        }
    }

    public func hash(into hasher: inout Hasher) {
        var iterator = Bytes(path)
        var count = 0
        while let byte = iterator.next() {
            hasher.combine(byte)
            count &+= 1
        }
        hasher.combine(count)
    }

    /// The loose form's bytes, read from the path as they are needed.
    struct Bytes: IteratorProtocol {
        private var bytes: String.UTF8View.Iterator
        private var inParameters = false
        /// Slashes read but not yet given: they are dropped if nothing else follows.
        private var pendingSlashes = 0
        private var given = 0
        private var lookahead: UInt8?

        init(_ path: String) {
            bytes = path.utf8.makeIterator()
        }

        mutating func next() -> UInt8? {
            if pendingSlashes > 0, lookahead != nil {
                // A byte after the slashes arrived: give the slashes first, then it.
                pendingSlashes -= 1
                given &+= 1
                return UInt8(ascii: "/")
            }
            if let waiting = lookahead {
                lookahead = nil
                given &+= 1
                return waiting
            }
            while let byte = bytes.next() {
                if byte == UInt8(ascii: "/") {
                    inParameters = false
                    pendingSlashes &+= 1
                    continue
                }
                if byte == UInt8(ascii: ";") { inParameters = true }
                if inParameters { continue }
                let folded = UInt8.asciiLowercased(byte)
                if pendingSlashes > 0 {
                    lookahead = folded
                    return next()
                }
                given &+= 1
                return folded
            }
            // The end: trailing slashes are dropped, except that a path of slashes is `/`.
            if pendingSlashes > 0 && given == 0 {
                pendingSlashes = 0
                given = 1
                return UInt8(ascii: "/")
            }
            return nil
        }
    }
}
