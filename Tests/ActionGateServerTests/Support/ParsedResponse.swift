import Foundation

/// An HTTP/1.1 response parsed from raw bytes by the tests (independently of NIO's codec).
struct ParsedResponse: Sendable {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]

    var bodyText: String { String(decoding: body, as: UTF8.self) }

    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    func headerValues(_ name: String) -> [String] {
        headers.filter { $0.0.lowercased() == name.lowercased() }.map(\.1)
    }

    /// Parses one response from the front of `bytes`; `nil` while incomplete. A body delimited by
    /// the connection's end is complete only when `closed`.
    static func parse(_ bytes: ArraySlice<UInt8>, isHEAD: Bool, closed: Bool) -> (ParsedResponse, Int)? {
        guard let headEnd = find([13, 10, 13, 10], in: bytes) else { return nil }
        let headText = String(decoding: bytes[bytes.startIndex..<headEnd], as: UTF8.self)
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { return nil }
        let headers = lines.compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        var response = ParsedResponse(status: status, headers: headers, body: [])
        let bodyStart = headEnd + 4
        if isHEAD || status == 204 || status == 304 || (100..<200).contains(status) {
            return (response, bodyStart - bytes.startIndex)
        }
        if let length = response.header("content-length").flatMap({ Int($0) }) {
            guard bytes.endIndex - bodyStart >= length else { return nil }
            response.body = Array(bytes[bodyStart..<bodyStart + length])
            return (response, bodyStart + length - bytes.startIndex)
        }
        if response.header("transfer-encoding")?.lowercased() == "chunked" {
            var index = bodyStart
            while true {
                guard let lineEnd = find([13, 10], in: bytes[index...]) else { return nil }
                let sizeText = String(decoding: bytes[index..<lineEnd], as: UTF8.self)
                guard let size = Int(sizeText.split(separator: ";")[0], radix: 16) else { return nil }
                let dataStart = lineEnd + 2
                if size == 0 {
                    guard bytes.endIndex - dataStart >= 2 else { return nil }
                    return (response, dataStart + 2 - bytes.startIndex)
                }
                guard bytes.endIndex - dataStart >= size + 2 else { return nil }
                response.body += bytes[dataStart..<dataStart + size]
                index = dataStart + size + 2
            }
        }
        guard closed else { return nil }
        response.body = Array(bytes[bodyStart...])
        return (response, bytes.endIndex - bytes.startIndex)
    }

    private static func find(_ needle: [UInt8], in bytes: ArraySlice<UInt8>) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        var index = bytes.startIndex
        while index <= bytes.endIndex - needle.count {
            if bytes[index..<index + needle.count].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
