import Foundation
import Yams

/// Decodes a Yams `Node` tree by hand, so that every problem names its file, line and key, and so
/// that decoding goes on after an error: the loader reports all problems at once.
///
/// Used once per load, on one thread; not shared.
final class ConfigurationDecoder {
    let file: String
    let baseDirectory: String
    let environment: [String: String]
    let publicSuffixes: PublicSuffixList?
    let readFile: ConfigurationLoader.FileReader
    private(set) var issues: [ConfigurationIssue] = []
    /// Nodes left to visit: anchors and aliases can make a small file name a huge tree.
    private var budget = YAMLExpansionLimit.standard.maximumNodes
    private var budgetReported = false

    init(
        file: String, baseDirectory: String, environment: [String: String], publicSuffixes: PublicSuffixList?,
        readFile: @escaping ConfigurationLoader.FileReader
    ) {
        self.file = file
        self.baseDirectory = baseDirectory
        self.environment = environment
        self.publicSuffixes = publicSuffixes
        self.readFile = readFile
    }

    // MARK: - Reporting

    func error(_ line: Int?, _ key: String?, _ message: String, file: String? = nil) {
        issues.append(ConfigurationIssue(file: file ?? self.file, line: line, key: key, message: message))
    }

    func warn(_ line: Int?, _ key: String?, _ message: String) {
        issues.append(ConfigurationIssue(severity: .warning, file: file, line: line, key: key, message: message))
    }

    var errorCount: Int { issues.count { $0.severity == .error } }

    func line(_ node: Node) -> Int { node.mark?.line ?? 1 }

    /// Spends `count` from the node budget; false (once reported) when the document is too big.
    private func spend(_ count: Int, _ node: Node) -> Bool {
        budget -= count
        if budget >= 0 { return true }
        if !budgetReported {
            budgetReported = true
            error(line(node), nil, "the document is too large (too many values, or aliases that repeat big parts)")
        }
        return false
    }

    // MARK: - Containers

    /// A mapping's entries with their names; reports non-string and (when `allowed` is given) unknown keys.
    func mapping(
        _ node: Node, _ key: String, allowed: [String]?, expected: String? = nil, noun: String = "key"
    ) -> YAMLMapping? {
        guard case .mapping(let mapping) = node else {
            let what = expected ?? allowed.map { "a mapping with keys \($0.joined(separator: ", "))" } ?? "a mapping"
            error(line(node), key.isEmpty ? nil : key, "expected \(what), found \(describe(node))")
            return nil
        }
        guard spend(mapping.count, node) else { return nil }
        var result = YAMLMapping(key: key, line: line(node))
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode, !scalar.string.isEmpty else {
                error(line(keyNode), key.isEmpty ? nil : key, "keys must be plain names")
                continue
            }
            let name = scalar.string
            if let allowed, !allowed.contains(name) {
                error(
                    line(keyNode), result.child(name),
                    "unknown \(noun); expected one of \(allowed.joined(separator: ", "))")
                continue
            }
            result.entries.append(YAMLMapping.Entry(name: name, line: line(keyNode), value: value))
        }
        return result
    }

    /// A sequence's elements with their key paths (`key[0]`, `key[1]`, …).
    func sequence(_ node: Node, _ key: String, expected: String) -> [(node: Node, key: String)]? {
        guard case .sequence(let sequence) = node else {
            error(line(node), key, "expected a list of \(expected), found \(describe(node))")
            return nil
        }
        guard spend(sequence.count, node) else { return nil }
        return sequence.enumerated().map { ($0.element, "\(key)[\($0.offset)]") }
    }

    // MARK: - Scalars

    /// A non-null scalar; explicit YAML tags other than `!!str` are refused.
    func scalar(_ node: Node, _ key: String, expected: String) -> Node.Scalar? {
        guard case .scalar(let scalar) = node, !isNull(scalar) else {
            error(line(node), key, "expected \(expected), found \(describe(node))")
            return nil
        }
        guard node.tag.description == Tag.Name.str.rawValue else {
            error(line(node), key, "explicit YAML tags are not supported; expected \(expected)")
            return nil
        }
        return scalar
    }

    func string(_ node: Node, _ key: String, expected: String = "a string") -> String? {
        scalar(node, key, expected: expected)?.string
    }

    /// `true` or `false`, unquoted (YAML 1.2: `yes`/`no`/`on`/`off` are not booleans).
    func bool(_ node: Node, _ key: String) -> Bool? {
        guard let scalar = scalar(node, key, expected: "true or false") else { return nil }
        if scalar.style == .plain {
            switch scalar.string {
            case "true", "True", "TRUE": return true
            case "false", "False", "FALSE": return false
            default: break
            }
        }
        error(line(node), key, "expected true or false (unquoted)")
        return nil
    }

    /// A decimal integer in `range`.
    func integer(_ node: Node, _ key: String, range: ClosedRange<Int>) -> Int? {
        let expected = "a whole number from \(range.lowerBound) to \(range.upperBound)"
        guard let scalar = scalar(node, key, expected: expected) else { return nil }
        guard scalar.style == .plain, scalar.string.count <= 18,
            scalar.string.allSatisfy({ $0.isASCII && $0.isNumber }),
            let value = Int(scalar.string), range.contains(value)
        else {
            error(line(node), key, "expected \(expected)")
            return nil
        }
        return value
    }

    /// One of an enum's raw values.
    func choice<Value: RawRepresentable & CaseIterable>(_ node: Node, _ key: String, _: Value.Type) -> Value?
    where Value.RawValue == String {
        let names = Value.allCases.map(\.rawValue).joined(separator: " or ")
        guard let text = string(node, key, expected: names) else { return nil }
        guard let value = Value(rawValue: text) else {
            error(line(node), key, "expected \(names)")
            return nil
        }
        return value
    }

    func byteSize(_ node: Node, _ key: String) -> ByteSize? {
        guard let text = string(node, key, expected: "a size like 1MiB") else { return nil }
        do {
            return try ByteSize(parsing: text)
        } catch {
            self.error(line(node), key, error.message)
            return nil
        }
    }

    /// A duration; `positive` refuses zero.
    func duration(_ node: Node, _ key: String, positive: Bool = true) -> ConfigDuration? {
        guard let text = string(node, key, expected: "a duration like 30s") else { return nil }
        do {
            let value = try ConfigDuration(parsing: text)
            if positive && value.milliseconds == 0 {
                error(line(node), key, "must be longer than zero")
                return nil
            }
            return value
        } catch {
            self.error(line(node), key, error.message)
            return nil
        }
    }

    func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar): isNull(scalar) ? "nothing" : "a single value"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    func isNull(_ scalar: Node.Scalar) -> Bool {
        scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }
}

/// A decoded YAML mapping: its entries in order with their lines, and the key path for messages.
struct YAMLMapping {
    struct Entry {
        var name: String
        var line: Int
        var value: Node
    }

    /// The mapping's own key path (empty at the top level).
    var key: String
    var line: Int
    var entries: [Entry] = []

    init(key: String, line: Int) {
        self.key = key
        self.line = line
    }

    subscript(name: String) -> Node? {
        entries.first { $0.name == name }?.value
    }

    /// The key path of a child: `session.ttl`.
    func child(_ name: String) -> String {
        key.isEmpty ? name : "\(key).\(name)"
    }
}
