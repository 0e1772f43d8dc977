import ActionGateTestSupport
import Foundation
import Testing

@testable import ActionGateCrypto

/// Swift and the independent Python reference (scripts/token_reference.py, built on the `cryptography`
/// package) open each other's tokens. Needs python3 with `cryptography` (CI installs it); without them
/// these tests fail rather than skip, because the format's interoperability would be unverified.
@Suite struct TokenInteropTests {
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/token_reference.py").path

    struct Case: Sendable, CustomTestStringConvertible {
        let context: TokenContext
        let arguments: [String]
        let authTime: Int64?
        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let cases: [Case] = [
        Case(
            context: .session(cookieName: "__Host-actiongate"), arguments: ["--cookie", "__Host-actiongate"],
            authTime: 1_699_000_000),
        Case(
            context: .boundArguments(action: "createPost", subject: nil), arguments: ["--action", "createPost"],
            authTime: nil),
        Case(
            context: .boundArguments(action: "déletePost", subject: "user 42 ✓"),
            arguments: ["--action", "déletePost", "--subject", "user 42 ✓"], authTime: nil),
    ]

    let now: Int64 = 1_700_000_000
    let key: TokenKey
    let keyArgument: String

    init() throws {
        let secret = try SecureRandom.bytes(32)
        let id = UInt32.random(in: 0...UInt32.max)
        key = try TokenKey(id: id, secret: secret)
        keyArgument = key.idHex + ":" + Data(secret).base64EncodedString()
    }

    @Test func pythonAndCryptographyAreAvailable() throws {
        let result = try Self.run(["-c", "import cryptography"])
        #expect(result.status == 0, "python3 needs the cryptography package: pip install cryptography")
    }

    @Test(arguments: cases)
    func swiftSealedTokensOpenInPython(testCase: Case) throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<3 {
            let data = JSONSerializerTests.randomValue(depth: 0, using: &generator)
            let token = try SealedToken.seal(
                context: testCase.context, data: data, iat: now, exp: now + 300, authTime: testCase.authTime, key: key)
            let result = try Self.run(
                [Self.script, "open", "--key", keyArgument] + testCase.arguments + ["--now", String(now), token])
            try #require(result.status == 0, "python open failed: \(result.output)")
            let opened = try JSONValue(parsing: result.output)
            guard case .object(let fields) = opened else { throw JSONError(.unexpectedByte, at: 0) }
            #expect(fields["data"] == data)
            #expect(fields["raw_data"] == .string(String(decoding: data.serialized() as [UInt8], as: UTF8.self)))
            #expect(fields["iat"] == .number(Double(now)) && fields["exp"] == .number(Double(now + 300)))
            #expect(fields["auth_time"] == testCase.authTime.map { .number(Double($0)) } ?? .null)
            #expect(fields["key_id"] == .string(key.idHex))
            #expect(fields["purpose"] == .number(Double(testCase.context.sealingPurpose.rawValue)))
        }
    }

    @Test(arguments: cases)
    func pythonSealedTokensOpenInSwift(testCase: Case) throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<3 {
            let data = JSONSerializerTests.randomValue(depth: 0, using: &generator)
            let dataText: String = data.serialized()
            var arguments = [Self.script, "seal", "--key", keyArgument] + testCase.arguments
            arguments += ["--iat", String(now), "--exp", String(now + 300), "--data", dataText]
            if let authTime = testCase.authTime { arguments += ["--auth-time", String(authTime)] }
            let result = try Self.run(arguments)
            try #require(result.status == 0, "python seal failed: \(result.output)")
            let token = result.output.trimmingCharacters(in: .whitespacesAndNewlines)
            let opened = try SealedToken.open(token, context: testCase.context, keys: TestKeys(keys: [key]), now: now)
            #expect(opened.data == data)
            #expect(opened.iat == now && opened.exp == now + 300 && opened.authTime == testCase.authTime)
            #expect(opened.purpose == testCase.context.sealingPurpose)
        }
    }

    /// With the same nonce, both implementations produce the same token byte for byte.
    @Test(arguments: cases)
    func bothImplementationsSealIdenticalBytes(testCase: Case) throws {
        let data = try JSONValue(parsing: #"{"id":42,"name":"Zoë \"q\" \n","list":[true,null,-7,"\u0001"]}"#)
        let dataText: String = data.serialized()
        let nonce = try SecureRandom.bytes(12)
        var arguments = [Self.script, "seal", "--key", keyArgument] + testCase.arguments
        arguments += ["--iat", String(now), "--exp", String(now + 60), "--data", dataText, "--nonce", hexString(nonce)]
        if let authTime = testCase.authTime { arguments += ["--auth-time", String(authTime)] }
        let result = try Self.run(arguments)
        try #require(result.status == 0, "python seal failed: \(result.output)")
        let swiftToken = try SealedToken.seal(
            context: testCase.context, iat: now, exp: now + 60, authTime: testCase.authTime, key: key, nonce: nonce,
            dataCount: 0
        ) { data.serialize(into: &$0) }
        #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines) == swiftToken)
    }

    /// Both sides agree on the error code for the same bad tokens.
    @Test func pythonReportsTheSameErrorCodes() throws {
        let context = TokenContext.boundArguments(action: "a", subject: "x")
        let token = try SealedToken.seal(context: context, data: .null, iat: now, exp: now + 10, key: key)
        let checks: [([String], String)] = [
            (["--action", "a", "--subject", "y", "--now", String(now), token], "bad_tag"),
            (["--action", "a", "--now", String(now), token], "bad_tag"),
            (["--cookie", "a", "--now", String(now), token], "wrong_purpose"),
            (["--action", "a", "--subject", "x", "--now", String(now + 71), token], "expired"),
            (["--action", "a", "--subject", "x", "--now", String(now - 61), token], "not_yet_valid"),
            (["--action", "a", "--subject", "x", "--now", String(now), token + "="], "malformed"),
        ]
        for (arguments, code) in checks {
            let result = try Self.run([Self.script, "open", "--key", keyArgument] + arguments)
            #expect(result.status == 1)
            #expect(result.output.contains("\"\(code)\""), "expected \(code), got \(result.output)")
        }
    }

    /// Runs python3 (from PATH) and returns its exit status and standard output.
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONUTF8"] = "1"
        environment["PYTHONIOENCODING"] = "utf-8"
        let result = try ChildProcess.run("/usr/bin/env", ["python3"] + arguments, environment: environment)
        return (result.status, result.stdout)
    }
}
