/// A JSON value, as carried in token plaintexts, session claims and bound arguments.
///
/// Objects are dictionaries: a strict parser rejects duplicate keys, and serialisation sorts keys so
/// the same value always produces the same bytes. Numbers are `Double`; integer fields such as `iat`
/// and `exp` are checked to be integral where they are read.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}
