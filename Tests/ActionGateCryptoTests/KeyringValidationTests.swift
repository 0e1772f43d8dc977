import Foundation
import Testing

@testable import ActionGateCrypto

/// Broken keyring files, written to real temp files and loaded: every problem is reported at
/// once, with the file, line, key and what to do, and never with a secret.
@Suite struct KeyringValidationTests {
    static let secret = Data([UInt8](repeating: 7, count: 32)).base64EncodedString()
    static let time = "2026-11-18T11:06:40Z"

    /// One key object on one line.
    static func key(
        id: String = "0000000a",
        state: String = "active",
        created: String = time,
        changed: String = time,
        secret: String = secret,
        extra: String = ""
    ) -> String {
        "{\"id\": \"\(id)\", \"state\": \"\(state)\", \"created_at\": \"\(created)\", "
            + "\"state_changed_at\": \"\(changed)\", \"secret\": \"\(secret)\"\(extra)}"
    }

    /// A document whose format is on line 2 and whose key `i` is on line `4 + i`.
    static func document(format: String = "\"actiongate-keyring-v1\"", keys: [String], extra: String = "") -> String {
        "{\n  \"format\": \(format),\n  \"keys\": [\n    " + keys.joined(separator: ",\n    ") + "\n  ]\(extra)\n}\n"
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        /// Substrings of the report, each after "<file>:"; one per expected problem.
        var problems: [String]
        var testDescription: String { name }
    }

    static let shortSecret = Data([UInt8](repeating: 7, count: 31)).base64EncodedString()

    static let cases: [Case] = [
        Case(name: "missing format", text: "{\"keys\": [\(key())]}", problems: ["1: format: missing; add"]),
        Case(
            name: "unknown format", text: document(format: "\"actiongate-keyring-v2\"", keys: [key()]),
            problems: ["2: format: unknown format \"actiongate-keyring-v2\"; this version reads only"]),
        Case(
            name: "format not a string", text: document(format: "1", keys: [key()]),
            problems: ["2: format: must be the string"]),
        Case(
            name: "duplicate ids", text: document(keys: [key(), key(state: "decrypt-only")]),
            problems: ["5: keys[1] (id 0000000a): duplicate id: keys[0] has the same one"]),
        Case(
            name: "no active key", text: document(keys: [key(state: "staged")]),
            problems: ["3: keys: no active key"]),
        Case(name: "no keys at all", text: document(keys: []), problems: ["3: keys: no active key"]),
        Case(
            name: "two active keys", text: document(keys: [key(), key(id: "0000000b")]),
            problems: ["3: keys: 2 active keys (keys[0] (id 0000000a), keys[1] (id 0000000b))"]),
        Case(
            name: "secret of 31 bytes", text: document(keys: [key(secret: shortSecret)]),
            problems: ["4: keys[0] (id 0000000a) secret: must be 32 bytes, found 31"]),
        Case(
            name: "secret not base64", text: document(keys: [key(secret: "not base64!")]),
            problems: ["4: keys[0] (id 0000000a) secret: must be standard base64"]),
        Case(
            name: "secret in base64url", text: document(keys: [key(secret: "-_" + secret.dropFirst(2))]),
            problems: ["secret: must be standard base64"]),
        Case(
            name: "secret without padding", text: document(keys: [key(secret: String(secret.dropLast()))]),
            problems: ["secret: must be standard base64"]),
        Case(
            name: "unknown state", text: document(keys: [key(state: "retired")]),
            problems: ["4: keys[0] (id 0000000a) state: must be one of \"staged\", \"active\", \"decrypt-only\""]),
        Case(
            name: "uppercase id", text: document(keys: [key(id: "0000000A")]),
            problems: ["4: keys[0] id: must be 8 lowercase hex digits"]),
        Case(name: "short id", text: document(keys: [key(id: "abc")]), problems: ["4: keys[0] id: must be 8"]),
        Case(
            name: "impossible date", text: document(keys: [key(created: "2026-02-30T00:00:00Z")]),
            problems: ["4: keys[0] (id 0000000a) created_at: must be an RFC 3339 UTC time"]),
        Case(
            name: "date with an offset", text: document(keys: [key(changed: "2026-11-18T11:06:40+01:00")]),
            problems: ["state_changed_at: must be an RFC 3339 UTC time"]),
        Case(
            name: "state changed before creation",
            text: document(keys: [key(created: "2026-11-18T11:06:40Z", changed: "2026-11-17T11:06:40Z")]),
            problems: ["4: keys[0] (id 0000000a) state_changed_at: is before created_at"]),
        Case(
            name: "unknown key field", text: document(keys: [key(extra: ", \"comment\": \"hi\"")]),
            problems: ["4: keys[0] (id 0000000a): unknown field \"comment\"; a key has only"]),
        Case(
            name: "unknown top-level field", text: document(keys: [key()], extra: ",\n  \"version\": 2"),
            problems: ["6: document: unknown field \"version\""]),
        Case(
            name: "missing fields", text: document(keys: ["{\"id\": \"0000000a\"}"]),
            problems: ["state: missing", "created_at: missing", "state_changed_at: missing", "secret: missing"]),
        Case(
            name: "key not an object", text: document(keys: [key(), "42"]),
            problems: ["5: keys[1]: must be an object"]),
        Case(
            name: "keys not an array", text: "{\"format\": \"actiongate-keyring-v1\", \"keys\": {}}",
            problems: ["1: keys: must be an array"]),
        Case(name: "a top-level array", text: "[]", problems: ["document: must be a JSON object"]),
        Case(
            name: "every problem at once",
            text: document(format: "\"v0\"", keys: [key(state: "staged", secret: "x"), key(id: "zz", state: "on")]),
            problems: [
                "2: format: unknown format", "4: keys[0] (id 0000000a) secret", "5: keys[1] id",
                "5: keys[1] state",
            ]),
    ]

    @Test(arguments: cases)
    func reportsEveryProblemWithItsLine(_ testCase: Case) throws {
        try withKeyringFolder { folder in
            let path = folder + "/keys.json"
            try writeKeyringFile(testCase.text, to: path)
            #expect {
                try KeyringFile.load(from: path)
            } throws: { error in
                guard case .invalid(let problems) = error as? KeyringError else {
                    Issue.record("not a validation error: \(error)")
                    return false
                }
                let lines = problems.map(\.description)
                #expect(lines.count == testCase.problems.count, "\(lines)")
                for expected in testCase.problems {
                    #expect(
                        lines.contains { $0.hasPrefix(path + ":") && $0.contains(expected) }, "\(expected) in \(lines)")
                }
                #expect(!lines.joined().contains(Self.secret), "a problem must never quote a secret")
                return true
            }
        }
    }

    @Test(arguments: ["", "{", "{\"format\": ", "{\"format\": \"actiongate-keyring-v1\",}", "nul", "\u{FEFF}{}"])
    func reportsMalformedJSON(_ text: String) throws {
        try withKeyringFolder { folder in
            let path = folder + "/keys.json"
            try writeKeyringFile(text, to: path)
            #expect {
                try KeyringFile.load(from: path)
            } throws: { error in
                guard case .malformedJSON(let file, let line, let column, _) = error as? KeyringError else {
                    return false
                }
                return file == path && line >= 1 && column >= 1
            }
        }
    }

    @Test func pointsAtTheLineAndColumnOfBrokenJSON() throws {
        try withKeyringFolder { folder in
            let path = folder + "/keys.json"
            try writeKeyringFile("{\n  \"format\": \"actiongate-keyring-v1\",\n  \"keys\": [],\n}\n", to: path)
            #expect {
                try KeyringFile.load(from: path)
            } throws: { error in
                let error = error as? KeyringError
                guard case .malformedJSON(_, 4, 1, let reason) = error else { return false }
                return reason.contains("trailing comma")
                    && error?.description.hasPrefix(path + ":4:1: not valid JSON") == true
            }
        }
    }

    @Test func aValidDocumentLoads() throws {
        try withKeyringFolder { folder in
            let path = folder + "/keys.json"
            try writeKeyringFile(
                Self.document(keys: [Self.key(), Self.key(id: "0000000b", state: "staged")]), to: path)
            let keyring = try KeyringFile.load(from: path)
            #expect(keyring.active.id == 0x0a)
            #expect(keyring.staged.map(\.id) == [0x0b])
            #expect(keyring.active.secret == [UInt8](repeating: 7, count: 32))
        }
    }
}
