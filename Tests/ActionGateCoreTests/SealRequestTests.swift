import ActionGateCore
import ActionGateCrypto
import Testing

@Suite struct SealRequestTests {
    let fixture: GateFixture
    init() throws { fixture = try GateFixture() }

    func seal(_ body: String) throws(BoundArgumentsError) -> String {
        try SealRequest(parsing: Array(body.utf8)).seal(with: fixture.gate, now: GateFixture.now)
    }

    @Test func aSealedTokenOpensOnItsActionWithTheExactArguments() throws {
        let response = try seal(#"{"action":"deleteNote","args":{ "note" : 42 },"ttl":"10m"}"#)
        let object = try JSONValue(parsing: response)
        guard case .object(let members) = object, case .string(let token)? = members["token"] else {
            Issue.record("no token in \(response)"); return
        }
        #expect(members["expires_at"] == .number(Double(GateFixture.now + 600)))
        let opened = try SealedToken.open(
            token, context: .boundArguments(action: "deleteNote", subject: nil), keys: fixture.keys, now: GateFixture.now)
        // Sealed verbatim, whitespace included: the handler gets exactly what it asked to seal.
        #expect(opened.rawData == Array(#"{ "note" : 42 }"#.utf8))
    }

    @Test func aSubjectBindsTheToken() throws {
        let response = try seal(#"{"action":"deleteNote","args":[1],"ttl":"1m","subject":"alice"}"#)
        guard case .object(let members) = try JSONValue(parsing: response), case .string(let token)? = members["token"]
        else { Issue.record("no token"); return }
        #expect(throws: TokenError.badTag) {
            try SealedToken.open(token, context: .boundArguments(action: "deleteNote", subject: "bob"), keys: fixture.keys, now: GateFixture.now)
        }
    }

    @Test(arguments: [
        (#"{"action":"nope","args":1,"ttl":"1m"}"#, "unknown_action"),
        (#"{"action":"deleteNote","args":1,"ttl":"2h"}"#, "invalid_ttl"),
        (#"{"action":"deleteNote","args":1,"ttl":"0s"}"#, "invalid_ttl"),
        (#"{"action":"deleteNote","args":1,"ttl":"soon"}"#, "invalid_ttl"),
        (#"{"action":"deleteNote","ttl":"1m"}"#, "invalid_request"),
        (#"{"action":"deleteNote","args":1}"#, "invalid_request"),
        (#"{"action":"deleteNote","args":1,"ttl":"1m","subjet":"alice"}"#, "invalid_request"),
        (#"{"action":"deleteNote","args":1,"ttl":"1m","subject":"has space"}"#, "invalid_subject"),
        (#"{"action":"deleteNote","args":1,"ttl":"1m","subject":7}"#, "invalid_request"),
        (#"{"action":"deleteNote","args":1,"ttl":"1m","subject":null}"#, "invalid_request"),
        (#"[1,2]"#, "invalid_request"),
        (#"{"action":"deleteNote","args":1,"ttl":"1m""#, "invalid_request"),
        ("", "invalid_request"),
    ])
    func refusals(_ body: String, _ code: String) {
        do {
            _ = try seal(body)
            Issue.record("sealed \(body)")
        } catch {
            #expect(error.code == code)
        }
    }

    @Test func argumentsOverTheLimitAre413() {
        let args = "\"" + String(repeating: "a", count: 9000) + "\""
        #expect(throws: BoundArgumentsError.argumentsTooLarge) {
            try seal(#"{"action":"deleteNote","args":\#(args),"ttl":"1m"}"#)
        }
    }
}
