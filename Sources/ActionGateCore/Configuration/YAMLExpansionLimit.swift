import CYaml

/// Bounds how far YAML aliases may expand a document, and how deep it may nest, before anything
/// builds a tree from it.
///
/// An alias (`*name`) stands for a copy of the anchored node, so nested aliases grow a 500-byte
/// file into billions of nodes ("billion laughs"). Yams builds its `Node` tree with aliases shared,
/// but hashes a whole aliased tree when the alias is a mapping key, and every walk over the tree
/// visits each copy: either way `ConfigurationLoader` would not return (found by the config
/// fuzzer). This check reads libyaml's event stream once, counting every node as it would be
/// after expansion, and stops at the first event over the limit — linear in the file's size.
/// Ordinary anchors and merge keys (`<<: *defaults`) stay well under it.
struct YAMLExpansionLimit: Sendable {
    /// Nodes a whole document may hold after alias expansion (the decoder spends the same budget
    /// while it reads the tree); no hand-written configuration
    /// comes near it, and walking this many nodes takes milliseconds.
    static let standard = YAMLExpansionLimit(maximumNodes: 250_000)

    /// What `check` found when the document expands past the limit, or nests too deep.
    struct Exceeded: Error, Equatable, Sendable {
        enum Limit: Equatable, Sendable {
            /// More than this many values after alias expansion.
            case nodes(Int)
            /// Collections nested more than this deep.
            case depth(Int)
        }

        /// 1-based line of the event that went over the limit.
        let line: Int
        let limit: Limit
    }

    let maximumNodes: Int
    /// Collections nested deeper than this are refused before any tree is built: the YAML library
    /// builds it recursively, one stack frame pair per level, and libyaml's own bound (1,000 levels)
    /// overflows a thread stack of 2 MiB (what glibc gives threads under `ulimit -s unlimited`) — a
    /// crash at the next reload. No configuration nests past a handful of levels.
    var maximumDepth = 64

    /// Throws `Exceeded` when aliases expand `text` past `maximumNodes`. Syntax errors are not
    /// reported here: the check returns and the YAML parser proper names them with their line.
    func check(_ text: String) throws(Exceeded) {
        var utf8 = Array(text.utf8)
        if utf8.isEmpty { return }
        let outcome: Exceeded? = utf8.withUnsafeMutableBufferPointer { buffer in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else { return nil }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            return walk(&parser)
        }
        if let outcome { throw outcome }
    }

    private func walk(_ parser: inout yaml_parser_t) -> Exceeded? {
        var anchors: [String: Int] = [:]
        // For each open collection: its anchor and the node count when it opened.
        var open: [(anchor: String?, startTotal: Int)] = []
        var total = 0
        while true {
            var event = yaml_event_t()
            guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
            defer { yaml_event_delete(&event) }
            let line = Int(event.start_mark.line) + 1
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return nil
            case YAML_DOCUMENT_START_EVENT:
                anchors.removeAll()
            case YAML_SCALAR_EVENT:
                total += 1
                if let anchor = Self.string(event.data.scalar.anchor) { anchors[anchor] = 1 }
            case YAML_SEQUENCE_START_EVENT:
                total += 1
                open.append((Self.string(event.data.sequence_start.anchor), total - 1))
                if open.count > maximumDepth { return Exceeded(line: line, limit: .depth(maximumDepth)) }
            case YAML_MAPPING_START_EVENT:
                total += 1
                open.append((Self.string(event.data.mapping_start.anchor), total - 1))
                if open.count > maximumDepth { return Exceeded(line: line, limit: .depth(maximumDepth)) }
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let collection = open.popLast() else { return nil }
                if let anchor = collection.anchor { anchors[anchor] = total - collection.startTotal }
            case YAML_ALIAS_EVENT:
                // An undefined alias is the parser's error to report; it adds nothing here.
                if let anchor = Self.string(event.data.alias.anchor) {
                    total += anchors[anchor] ?? 0
                }
            default:
                break
            }
            if total > maximumNodes { return Exceeded(line: line, limit: .nodes(maximumNodes)) }
        }
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return pointer.withMemoryRebound(to: CChar.self, capacity: 1) { String(cString: $0) }
    }
}
