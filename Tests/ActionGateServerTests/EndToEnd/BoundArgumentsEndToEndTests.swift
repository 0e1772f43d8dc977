import ActionGateCore
import ActionGateCrypto
import ActionGateServer
import ActionGateTestSupport
import Foundation
import Testing

/// Issue 9 over loopback: values sealed through `/v1/seal`, opened by the gateway on invocation.
@Suite(.serialized) struct BoundArgumentsEndToEndTests {
    static func form(_ token: String) -> String {
        "title=x&%24ACTION_BOUND=\(token)"
    }

    func sealToken(_ gateway: RunningGateway, _ json: String) async throws -> String {
        let response = try await gateway.seal(json)
        #expect(response.status == 200, "\(response.bodyText)")
        return try #require(response.sealedToken)
    }

    @Test func aTokenForActionAOpensOnAAndNotOnB() async throws {
        try await RunningGateway.with { gateway in
            let cookie = try await gateway.signIn(#"{"sub":"alice"}"#)
            let token = try await sealToken(
                gateway, #"{"action":"deleteNote","args":{"note": 42, "tags":["a"]},"ttl":"10m"}"#)
            let ok = try await gateway.post(
                "/actions/deleteNote", body: Self.form(token), cookie: cookie,
                contentType: "application/x-www-form-urlencoded")
            #expect(ok.status == 200)
            let seen = try #require(gateway.lastUpstreamRequest)
            // Exactly the sealed JSON, byte for byte.
            #expect(
                try Base64URL.decode(try #require(seen.header("x-actiongate-bound-args")))
                    == Array(#"{"note": 42, "tags":["a"]}"#.utf8))
            let onB = try await gateway.post("/actions/archiveNote", cookie: cookie, headers: [("Action-Bound", token)])
            #expect(onB.status == 403)
            #expect(onB.errorCode == "bound_args_rejected")
            #expect(!onB.bodyText.contains("bad_tag"))
        }
    }

    @Test func aSubjectBoundTokenRefusesOtherUsersAndAnonymousRequests() async throws {
        try await RunningGateway.with { gateway in
            let token = try await sealToken(
                gateway, #"{"action":"createNote","args":[7],"ttl":"5m","subject":"alice"}"#)
            let alice = try await gateway.signIn(#"{"sub":"alice"}"#)
            let bob = try await gateway.signIn(#"{"sub":"bob"}"#)
            #expect(
                try await gateway.post("/actions/createNote", cookie: alice, headers: [("Action-Bound", token)]).status
                    == 200)
            #expect(
                try await gateway.post("/actions/createNote", cookie: bob, headers: [("Action-Bound", token)]).status
                    == 403)
            // Anonymous: the policy refuses first (401); a public action still refuses the token (403).
            let login = try await sealToken(gateway, #"{"action":"login","args":[7],"ttl":"5m","subject":"alice"}"#)
            #expect(try await gateway.post("/actions/login", headers: [("Action-Bound", login)]).status == 403)
        }
    }

    @Test func expiredAndBitFlippedTokensAreRejected() async throws {
        try await RunningGateway.with { gateway in
            let cookie = try await gateway.signIn(#"{"sub":"alice"}"#)
            let now = Int64(Date().timeIntervalSince1970)
            let expired = try SealedToken.seal(
                context: .boundArguments(action: "deleteNote", subject: nil), data: .array([.number(1)]),
                iat: now - 600, exp: now - 120, key: try #require(try gateway.keyring().sealingKey))
            #expect(
                try await gateway.post("/actions/deleteNote", cookie: cookie, headers: [("Action-Bound", expired)])
                    .status == 403)
            let token = try await sealToken(gateway, #"{"action":"deleteNote","args":1,"ttl":"1m"}"#)
            var bytes = try Base64URL.decode(token)
            bytes[bytes.count / 2] ^= 0x01
            let flipped = Base64URL.encode(bytes)
            #expect(
                try await gateway.post("/actions/deleteNote", cookie: cookie, headers: [("Action-Bound", flipped)])
                    .status == 403)
            #expect(try await gateway.post("/actions/deleteNote", cookie: cookie).status == 403)
        }
    }

    @Test func aTokenSealedBeforeRotateStillOpensAfterIt() async throws {
        try await RunningGateway.with { gateway in
            let cookie = try await gateway.signIn(#"{"sub":"alice"}"#)
            let token = try await sealToken(gateway, #"{"action":"deleteNote","args":"n1","ttl":"10m"}"#)
            try gateway.updateKeyring { $0 = try $0.rotating(now: Date(), randomBytes: Keyring.secureRandomBytes) }
            #expect(
                try await gateway.post("/actions/deleteNote", cookie: cookie, headers: [("Action-Bound", token)]).status
                    == 200)
        }
    }

    @Test func theSealEndpointNeedsTheBearerTokenAndRefusesBadRequests() async throws {
        try await RunningGateway.with { gateway in
            #expect(try await gateway.seal(#"{"action":"deleteNote","args":1,"ttl":"1m"}"#, token: nil).status == 401)
            #expect(
                try await gateway.seal(
                    #"{"action":"deleteNote","args":1,"ttl":"1m"}"#, token: "wrong-token-wrong-token"
                ).status == 401)
            let unknown = try await gateway.seal(#"{"action":"nope","args":1,"ttl":"1m"}"#)
            #expect(unknown.status == 400)
            #expect(unknown.errorCode == "unknown_action")
            let tooLong = try await gateway.seal(#"{"action":"deleteNote","args":1,"ttl":"30d"}"#)
            #expect(tooLong.errorCode == "invalid_ttl")
            let big = "\"" + String(repeating: "z", count: 9 * 1024) + "\""
            #expect(try await gateway.seal(#"{"action":"deleteNote","args":\#(big),"ttl":"1m"}"#).status == 413)
        }
    }

    @Test func tokensFromAnIndependentImplementationOpenInTheGatewayAndViceVersa() async throws {
        try await RunningGateway.with { gateway in
            let cookie = try await gateway.signIn(#"{"sub":"alice"}"#)
            let key = try Self.activeKeyArgument(gateway.keyringPath)
            let now = Int64(Date().timeIntervalSince1970)
            let python = try Self.python([
                "seal", "--key", key, "--action", "deleteNote", "--iat", String(now), "--exp", String(now + 300),
                "--data", #"{"from":"python"}"#,
            ])
            #expect(python.status == 0, "\(python.stderr)")
            let token = python.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(
                try await gateway.post("/actions/deleteNote", cookie: cookie, headers: [("Action-Bound", token)]).status
                    == 200)
            #expect(
                gateway.lastUpstreamRequest?.header("x-actiongate-bound-args")
                    == Base64URL.encode(Array(#"{"from":"python"}"#.utf8)))

            let sealed = try await sealToken(gateway, #"{"action":"deleteNote","args":{"from":"swift"},"ttl":"5m"}"#)
            let opened = try Self.python(["open", "--key", key, "--action", "deleteNote", "--now", String(now), sealed])
            #expect(opened.status == 0, "\(opened.stderr)")
            guard case .object(let result) = try JSONValue(parsing: opened.stdout) else {
                throw ScriptFailure("not an object")
            }
            #expect(result["raw_data"] == .string(#"{"from":"swift"}"#))
            #expect(result["data"] == .object(["from": .string("swift")]))
        }
    }

    /// `ID:SECRET_B64` of the keyring's active key, read from the file as another implementation would.
    static func activeKeyArgument(_ path: String) throws -> String {
        let json = try JSONValue(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        guard case .object(let root) = json, case .array(let keys)? = root["keys"] else {
            throw ScriptFailure("keyring shape")
        }
        for case .object(let key) in keys {
            if case .string("active")? = key["state"], case .string(let id)? = key["id"],
                case .string(let secret)? = key["secret"]
            {
                return "\(id):\(secret)"
            }
        }
        throw ScriptFailure("no active key")
    }

    static func python(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(
                "scripts/token_reference.py")
        let result = try ChildProcess.run("/usr/bin/env", ["python3", script.path] + arguments)
        return (result.status, result.stdout, result.stderr)
    }
}

struct ScriptFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
