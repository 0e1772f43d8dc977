/// One thing wrong with a keyring file, located precisely enough to fix by hand.
///
/// Validation collects every problem before failing, so an operator fixes a file in one pass.
/// A problem never quotes a secret: at most it names the field that holds one.
public struct KeyringProblem: Sendable, Hashable, CustomStringConvertible {
    /// The keyring file, when the keyring came from one.
    public var file: String?
    /// The 1-based line of the offending value in that file, when known.
    public var line: Int?
    /// Where in the document: `format`, `keys`, or `keys[2] (id 3f9a0c12) secret`.
    public var location: String
    /// What is wrong and what to do about it.
    public var message: String

    /// Makes a problem; `file` and `line` are filled in by the file loader.
    public init(file: String? = nil, line: Int? = nil, location: String, message: String) {
        self.file = file
        self.line = line
        self.location = location
        self.message = message
    }

    /// `file:line: location: message`, omitting what is unknown.
    public var description: String {
        var prefix = ""
        if let file {
            prefix = file
            if let line { prefix += ":\(line)" }
            prefix += ": "
        }
        return prefix + location + ": " + message
    }
}
