import Foundation

// TEMPORARY (keyring branch): a stand-in until the crypto branch's strict `JSONValue(parsing:)`
// is merged; then this file is deleted and `Keyring(parsing:)` calls that parser instead.

/// Parses JSON into `JSONValue` through Foundation. Temporary: see the note above.
enum KeyringJSONParser {
    struct Failure: Error {
        var line: Int
        var column: Int
        var reason: String
    }

    static func parse(_ bytes: [UInt8]) throws(Failure) -> JSONValue {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            throw Failure(line: 1, column: 1, reason: "\(error)")
        }
        return convert(object)
    }

    private static func convert(_ object: Any) -> JSONValue {
        switch object {
        case let string as String: return .string(string)
        case let number as NSNumber: return .number(number.doubleValue)
        case let array as [Any]: return .array(array.map(convert))
        case let dictionary as [String: Any]: return .object(dictionary.mapValues(convert))
        default: return .null
        }
    }
}
