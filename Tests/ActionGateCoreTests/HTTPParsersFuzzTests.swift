import ActionGateTestSupport
import Testing

@testable import ActionGateCore

@Suite("HTTP parsers: random input never crashes")
struct HTTPParsersFuzzTests {
    static let iterations = 3000
    static let pathAlphabet = Array("/./%2e%2E%2f%5c%25%00?#;\\aZ09-_~:@+ ".utf8)

    @Test(arguments: [1, 2, 3] as [UInt64])
    func requestPath(seed: UInt64) {
        var random = ParserFuzzRandom(seed: seed)
        let seeds = ["/a/b?c=d", "/%2e%2e/x", "//admin/./", "/caf%C3%A9"].map { Array($0.utf8) }
        for _ in 0..<Self.iterations {
            let bytes =
                Bool.random(using: &random)
                ? random.bytes(upTo: 48, alphabet: Self.pathAlphabet)
                : random.mutate(seeds.randomElement(using: &random)!, alphabet: Self.pathAlphabet)
            let raw = String(decoding: bytes, as: UTF8.self)
            guard let parsed = try? RequestPath(parsing: raw) else { continue }
            // Whatever is accepted is normal: re-parsing is a fixed point, and nothing unsafe remains.
            #expect(parsed.path.hasPrefix("/"))
            #expect(!parsed.path.contains("//"))
            #expect(!parsed.path.contains("\\"))
            #expect(!parsed.path.split(separator: "/").contains { $0 == "." || $0 == ".." })
            #expect(!parsed.path.uppercased().contains("%2F"))
            #expect((try? RequestPath(parsing: parsed.target)) == parsed, "\(raw)")
        }
    }

    @Test(arguments: [1, 2] as [UInt64])
    func contentTypeAndCookies(seed: UInt64) {
        var random = ParserFuzzRandom(seed: seed)
        let alphabet = Array("tx/;=\"\\ \t,aB-_.+*".utf8)
        for _ in 0..<Self.iterations {
            let text = String(decoding: random.bytes(upTo: 40, alphabet: alphabet), as: UTF8.self)
            if let parsed = try? ContentType(parsing: text) {
                #expect(parsed.mediaType == parsed.mediaType.lowercased())
                #expect(parsed.mediaType.contains("/"))
            }
            let cookies = CookieHeader([text, text])
            #expect(cookies.pairs.allSatisfy { !$0.name.isEmpty && !$0.name.contains(";") && !$0.value.contains(";") })
            _ = cookies.serialized(removing: "a")
            _ = SetCookie.cookieName(of: text)
            _ = try? SetCookie.session(name: text, value: text, maxAge: Int64.min)
            _ = try? NextActionHeader.parse(HeaderFields([("Next-Action", text)]))
        }
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func multipartForm(seed: UInt64) throws {
        var random = ParserFuzzRandom(seed: seed)
        let boundary = "xYz"
        let valid = Array(
            ("--xYz\r\nContent-Disposition: form-data; name=\"$ACTION_REF_1\"\r\n\r\n\r\n"
                + "--xYz\r\nContent-Disposition: form-data; name=\"$ACTION_1:0\"; filename=\"a\\b\"\r\n\r\n"
                + "{\"id\":\"abc\"}\r\n--xYz\r\ncontent-type: text/plain\r\n"
                + "Content-Disposition: form-data; name=t\r\n\r\n"
                + "v\r\n--xYz--\r\n").utf8)
        #expect(try MultipartForm.parse(valid, boundary: boundary).names.count == 3)
        let alphabet = Array("-xYz\r\n\";=\\:% aAname".utf8)
        let limits = FormFields.Limits(
            maxFields: 4, maxFieldNameBytes: 16, maxActionValueBytes: 8, maxPartHeaderBytes: 80)
        for _ in 0..<Self.iterations {
            let body = random.mutate(valid, alphabet: alphabet)
            guard let fields = try? MultipartForm.parse(body, boundary: boundary, limits: limits) else { continue }
            #expect(fields.names.count <= 4)
            #expect(fields.names.allSatisfy { $0.utf8.count <= 16 })
            #expect(fields.actionFields.allSatisfy { $0.value.count <= 8 && $0.name.hasPrefix("$ACTION_") })
            _ = try? ActionMarkers(fields)
        }
        for _ in 0..<Self.iterations {
            _ = try? MultipartForm.parse(random.bytes(upTo: 64, alphabet: alphabet), boundary: boundary, limits: limits)
        }
    }

    @Test(arguments: [1, 2] as [UInt64])
    func urlEncodedForm(seed: UInt64) {
        var random = ParserFuzzRandom(seed: seed)
        let alphabet = Array("$ACTION_ID_REF=&%+2a4F:0".utf8)
        for _ in 0..<Self.iterations {
            let body = random.bytes(upTo: 64, alphabet: alphabet)
            guard let fields = try? URLEncodedForm.parse(body, limits: FormFields.Limits(maxFields: 5)) else {
                continue
            }
            #expect(fields.names.count <= 5)
            _ = try? ActionMarkers(fields)
        }
    }

    /// The strip table read naively: any rule whose pattern covers the lowercased name.
    static func strippedByReference(_ name: String, trusted: Bool) -> Bool {
        let lower = name.lowercased()
        return RequestHeaderRules.stripRules.contains { rule in
            guard !(trusted && rule.scope == .untrustedPeers) else { return false }
            switch rule.pattern {
            case .exact(let exact): return lower == exact
            case .prefix(let prefix): return lower.hasPrefix(prefix)
            case .containsUnderscore: return lower.contains("_")
            case .listedInConnection: return false
            }
        }
    }

    @Test(arguments: [1, 2] as [UInt64])
    func headerRules(seed: UInt64) throws {
        var random = ParserFuzzRandom(seed: seed)
        let names =
            RequestHeaderRules.stripRules.compactMap(\.example) + ["Host", "Cookie", "Connection", "Set-Cookie"]
        let alphabet = Array("xX-_aActiongate, =;".utf8)
        for _ in 0..<Self.iterations {
            let pairs = (0..<Int.random(in: 0...8, using: &random)).map { _ in
                let base = Array(names.randomElement(using: &random)!.utf8)
                let name = String(decoding: random.mutate(base, alphabet: alphabet), as: UTF8.self)
                return (name, String(decoding: random.bytes(upTo: 24, alphabet: alphabet), as: UTF8.self))
            }
            let headers = HeaderFields(pairs)
            for trusted in [false, true] {
                let sanitised = RequestHeaderRules.sanitize(headers, peerIsTrustedProxy: trusted)
                let hasConnection = headers.contains { $0.name.lowercased() == "connection" }
                if !hasConnection {
                    let expected = headers.filter { !Self.strippedByReference($0.name, trusted: trusted) }
                    #expect(sanitised.fields == expected, "\(headers.fields.map(\.name))")
                }
                #expect(
                    sanitised.allSatisfy { !$0.name.contains("_") && !$0.name.lowercased().hasPrefix("x-actiongate") })
                var forwarded = sanitised
                try? RequestHeaderRules.addGatewayHeaders(
                    GatewayHeaders(
                        peerAddress: "::1", peerIsTrustedProxy: trusted, proto: "https", host: "h", requestID: "r"),
                    to: &forwarded)
            }
            let response = ResponseHeaderRules.rewrite(
                status: Int.random(in: 100...599, using: &random), headers: headers, isAction: true,
                sessionCookieName: "__Host-actiongate", gatewaySetCookies: [])
            #expect(response.headers.allSatisfy { !$0.name.lowercased().hasPrefix("x-actiongate") })
        }
    }
}
