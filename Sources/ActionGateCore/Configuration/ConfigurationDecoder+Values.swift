import ActionGateCrypto
import Foundation
import Yams

/// Decoding of the domain values (paths, origins, networks, addresses, claim values).
extension ConfigurationDecoder {
    /// A file path: `${NAME}` expanded, then made absolute against the configuration file's folder.
    func path(_ node: Node, _ key: String) -> String? {
        guard let text = string(node, key, expected: "a file path") else { return nil }
        guard let expanded = expandEnvironment(text, node, key) else { return nil }
        guard !expanded.isEmpty else {
            error(line(node), key, "the path is empty")
            return nil
        }
        if expanded.hasPrefix("/") { return URL(fileURLWithPath: expanded).standardizedFileURL.path }
        return URL(fileURLWithPath: expanded, relativeTo: URL(fileURLWithPath: baseDirectory, isDirectory: true))
            .standardizedFileURL.path
    }

    /// Replaces every `${NAME}`; an unset variable or a malformed reference is an error.
    func expandEnvironment(_ text: String, _ node: Node, _ key: String) -> String? {
        var result = ""
        var rest = Substring(text)
        while let dollar = rest.range(of: "${") {
            result += rest[..<dollar.lowerBound]
            guard let close = rest[dollar.upperBound...].firstIndex(of: "}") else {
                error(line(node), key, "unterminated ${…}: write ${NAME}")
                return nil
            }
            let name = rest[dollar.upperBound..<close]
            guard let first = name.first, first.isASCII, first.isLetter || first == "_",
                name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
            else {
                error(line(node), key, "${…} must name an environment variable (letters, digits and _)")
                return nil
            }
            guard let value = environment[String(name)] else {
                error(line(node), key, "environment variable \(name) is not set")
                return nil
            }
            result += value
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    func origin(_ node: Node, _ key: String) -> WebOrigin? {
        guard let text = string(node, key, expected: "an origin like https://app.example.com") else { return nil }
        do {
            return try WebOrigin(parsing: text)
        } catch {
            self.error(line(node), key, error.message)
            return nil
        }
    }

    func cidr(_ node: Node, _ key: String) -> CIDR? {
        guard let text = string(node, key, expected: "a network like 10.0.0.0/8") else { return nil }
        do {
            return try CIDR(parsing: text)
        } catch {
            self.error(line(node), key, error.message)
            return nil
        }
    }

    /// A non-empty list of CIDRs.
    func cidrList(_ node: Node, _ key: String, allowEmpty: Bool) -> [CIDR]? {
        guard let items = sequence(node, key, expected: "networks like 10.0.0.0/8") else { return nil }
        if items.isEmpty && !allowEmpty {
            error(line(node), key, "the list is empty; list at least one network")
            return nil
        }
        let networks = items.compactMap { cidr($0.node, $0.key) }
        return networks.count == items.count ? networks : nil
    }

    func listenAddress(_ node: Node, _ key: String) -> ListenAddress? {
        guard let text = string(node, key, expected: "an address like 0.0.0.0:8080") else { return nil }
        do {
            return try ListenAddress(parsing: text)
        } catch {
            self.error(line(node), key, error.message)
            return nil
        }
    }

    /// `http://host[:port]` (an optional trailing `/`), as `(host, port)`.
    func upstreamURL(_ node: Node, _ key: String) -> (host: String, port: Int)? {
        guard var text = string(node, key, expected: "a URL like http://127.0.0.1:3000") else { return nil }
        let lower = text.lowercased()
        if lower.hasPrefix("https://") {
            error(
                line(node), key,
                "https upstreams are not supported yet; reach the upstream over http on loopback or a private network")
            return nil
        }
        guard lower.hasPrefix("http://") else {
            error(line(node), key, "expected a URL like http://127.0.0.1:3000")
            return nil
        }
        text = String(text.dropFirst(7))
        if text.hasSuffix("/") { text.removeLast() }
        var copy = "http://" + text
        let parsed = copy.withUTF8 { b -> (String, Int)? in
            guard case .success(let origin) = OriginSyntax.parse(b) else { return nil }
            var host = OriginSyntax.lowercasedString(b, origin.hostStart, origin.hostEnd)
            if origin.isIPv6 { host = String(host.dropFirst().dropLast()) }
            return (host, origin.port)
        }
        guard let parsed else {
            error(line(node), key, "expected http://host[:port] without a path, query or user name")
            return nil
        }
        return parsed
    }

    /// A claim value: a string, number or boolean. Unquoted `true`/`false` are booleans and unquoted
    /// decimal numbers are numbers; anything quoted is a string.
    func claimValue(_ node: Node, _ key: String) -> JSONValue? {
        let expected = "a string, number or boolean"
        guard let scalar = scalar(node, key, expected: expected) else { return nil }
        let text = scalar.string
        guard scalar.style == .plain else { return .string(text) }
        switch text {
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: break
        }
        if ConfigurationDecoder.isDecimalNumber(text), let number = Double(text) {
            guard number.magnitude <= SessionCodec.maximumExactNumber else {
                error(
                    line(node), key,
                    "\(text) is beyond 2^53, where numbers are no longer exact (two ids would match as one): "
                        + "quote it and have the handler send the claim as a string")
                return nil
            }
            return .number(number)
        }
        return .string(text)
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?`, at most 30 characters.
    static func isDecimalNumber(_ text: String) -> Bool {
        var bytes = Substring(text).utf8[...]
        guard !bytes.isEmpty, bytes.count <= 30 else { return false }
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        let integer = bytes.prefix { $0 >= 0x30 && $0 <= 0x39 }
        guard !integer.isEmpty, integer.count == 1 || integer.first != 0x30 else { return false }
        let rest = bytes.dropFirst(integer.count)
        if rest.isEmpty { return true }
        guard rest.first == UInt8(ascii: ".") else { return false }
        let fraction = rest.dropFirst()
        return !fraction.isEmpty && fraction.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// Names of actions, upstreams and policies: letters, digits, `.`, `_` and `-`, 1–128 bytes.
    static func isName(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 128
            && text.utf8.allSatisfy { OriginSyntax.isHostByte($0) || $0 == UInt8(ascii: ".") }
    }

    /// A normalised absolute path: `/`, then segments of URL path characters; no `.`/`..` segments,
    /// no empty segments inside, no `%`, `?`, `#` or spaces.
    static func isPlainPath(_ text: String) -> Bool {
        guard text.hasPrefix("/"), text.utf8.count <= 1024 else { return false }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@/".utf8)
        guard text.utf8.allSatisfy({ allowed.contains($0) }) else { return false }
        let segments = text.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        for (index, segment) in segments.enumerated() {
            if segment == "." || segment == ".." { return false }
            if segment.isEmpty && index != segments.count - 1 { return false }
        }
        return true
    }
}
