/// The line on which each value of a JSON document starts, by path (`format`, `keys[1]`,
/// `keys[1].secret`), so keyring problems can name `file:line`.
///
/// It runs over a document the strict parser has already accepted, so it only tracks strings,
/// nesting, member names and array positions; it never recurses (an explicit stack instead).
struct KeyringLineMap {
    private var lines: [String: Int] = [:]

    /// The 1-based line where the value at `path` starts, if the document has one there.
    func line(_ path: String) -> Int? { lines[path] }

    /// Indexes a JSON document that is known to be well formed.
    init(_ bytes: [UInt8]) {
        enum Frame {
            case object(path: String, member: String?, expectingName: Bool)
            case array(path: String, index: Int, elementStarted: Bool)
        }
        var stack: [Frame] = []
        var line = 1
        var position = 0

        /// The path of the value that starts now, recording its line.
        func valueStarts(_ stack: inout [Frame], _ lines: inout [String: Int], line: Int) -> String {
            guard let top = stack.last else {
                lines[""] = line
                return ""
            }
            switch top {
            case .object(let path, let member, _):
                return path.isEmpty ? (member ?? "") : path + "." + (member ?? "")
            case .array(let path, let index, _):
                stack[stack.count - 1] = .array(path: path, index: index, elementStarted: true)
                let elementPath = "\(path)[\(index)]"
                lines[elementPath] = line
                return elementPath
            }
        }

        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\n"):
                line += 1
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: ":"):
                break
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let path = valueStarts(&stack, &lines, line: line)
                stack.append(
                    byte == UInt8(ascii: "{")
                        ? .object(path: path, member: nil, expectingName: true)
                        : .array(path: path, index: 0, elementStarted: false))
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                _ = stack.popLast()
            case UInt8(ascii: ","):
                switch stack.last {
                case .object(let path, _, _):
                    stack[stack.count - 1] = .object(path: path, member: nil, expectingName: true)
                case .array(let path, let index, _):
                    stack[stack.count - 1] = .array(path: path, index: index &+ 1, elementStarted: false)
                case nil:
                    break
                }
            case UInt8(ascii: "\""):
                var end = position + 1
                var text: [UInt8] = []
                while end < bytes.count, bytes[end] != UInt8(ascii: "\"") {
                    if bytes[end] == UInt8(ascii: "\\") { end += 1 }
                    if end < bytes.count { text.append(bytes[end]) }
                    end += 1
                }
                if case .object(let path, _, true) = stack.last {
                    let name = String(decoding: text, as: UTF8.self)
                    stack[stack.count - 1] = .object(path: path, member: name, expectingName: false)
                    lines[path.isEmpty ? name : path + "." + name] = line
                } else {
                    _ = valueStarts(&stack, &lines, line: line)
                }
                position = end
            default:
                // A scalar (number, true, false, null): only its first byte matters.
                if case .array(_, _, false) = stack.last { _ = valueStarts(&stack, &lines, line: line) }
            }
            position += 1
        }
    }
}
