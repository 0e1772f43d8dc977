import ActionGateCore
import ActionGateCrypto
import Testing

/// Actions named by form fields: "a request naming an action is an action wherever it arrives".
@Suite struct GateFormTests {
    let fixture: GateFixture
    init() throws { fixture = try GateFixture() }

    static let boundary = "----agboundary7MA4YWxk"

    static func multipart(_ fields: [(String, String)]) -> String {
        var body = ""
        for (name, value) in fields {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
        }
        return body + "--\(boundary)--\r\n"
    }

    func formPost(_ path: String, _ body: String, multipart: Bool = true, extra: [(String, String)] = []) -> (
        RequestHead, [UInt8]
    ) {
        let type = multipart ? "multipart/form-data; boundary=\(Self.boundary)" : "application/x-www-form-urlencoded"
        let head = GateFixture.head(
            "POST", path,
            headers: [("Host", "app.example.com"), ("Origin", "https://app.example.com"), ("Content-Type", type)]
                + extra,
            bodyLength: body.utf8.count)
        return (head, Array(body.utf8))
    }

    func decide(_ request: (RequestHead, [UInt8])) -> Verdict { fixture.decide(request.0, body: request.1) }

    @Test func anActionIDFieldIdentifiesTheAction() throws {
        let plan = try #require(
            decide(formPost("/page", Self.multipart([("$ACTION_ID_\(GateFixture.nextID)", ""), ("title", "x")]))).plan)
        #expect(plan.audit.action == GateFixture.nextID)
        #expect(plan.headers.first("X-ActionGate-Action") == GateFixture.nextID)
        #expect(
            plan.body
                == .buffered(Array(Self.multipart([("$ACTION_ID_\(GateFixture.nextID)", ""), ("title", "x")]).utf8)))
    }

    @Test func aReferenceDescriptorIdentifiesTheAction() throws {
        let body = Self.multipart([
            ("$ACTION_REF_1", ""), ("$ACTION_1:0", #"{"id":"\#(GateFixture.nextID)","bound":null}"#),
        ])
        #expect(decide(formPost("/page", body)).plan?.audit.action == GateFixture.nextID)
    }

    /// Next.js checks the descriptor's first id, React runs the last `id` key JSON.parse keeps: a
    /// public action's id followed by an admin action's must not pass as the public action.
    @Test func aDescriptorNamingASecondIDIsRefused() {
        for descriptor in [
            #"{"id":"\#(GateFixture.nextID)","id":"deleteUser","bound":null}"#,
            #"{"id":"\#(GateFixture.nextID)","\u0069d":"deleteUser","bound":null}"#,
        ] {
            let body = Self.multipart([("$ACTION_REF_1", ""), ("$ACTION_1:0", descriptor)])
            #expect(decide(formPost("/page", body)).outcome == "invalid_action_id", "\(descriptor)")
        }
    }

    /// undici (Next.js's form parser) drops a byte order mark before a field name; React runs the last
    /// marker. A public id then a BOM-prefixed admin id must not pass as the public action, nor a
    /// BOM-prefixed marker alone pass a passthrough route as no action.
    @Test func aMarkerBehindAByteOrderMarkIsRefused() {
        let hidden = Self.multipart([("$ACTION_ID_\(GateFixture.nextID)", ""), ("\u{FEFF}$ACTION_ID_deleteUser", "")])
        #expect(decide(formPost("/page", hidden)).outcome == "malformed_request")
        let reference = Self.multipart([
            ("$ACTION_ID_\(GateFixture.nextID)", ""), ("\u{FEFF}$ACTION_REF_1", ""),
            ("$ACTION_1:0", #"{"id":"deleteUser","bound":null}"#),
        ])
        #expect(decide(formPost("/page", reference)).outcome == "malformed_request")
        let alone = Self.multipart([("\u{FEFF}$ACTION_ID_deleteUser", "")])
        #expect(decide(formPost("/uploads/x", alone)).outcome == "malformed_request")
    }

    @Test func unknownIDsInFieldsAre404() {
        #expect(
            decide(formPost("/page", Self.multipart([("$ACTION_ID_\(String(repeating: "c", count: 40))", "")]))).outcome
                == "unknown_action")
    }

    @Test func fieldsThatDisagreeWithTheHeaderOrPathAreAmbiguous() {
        let fields = Self.multipart([("$ACTION_ID_\(GateFixture.nextID)", "")])
        #expect(decide(formPost("/actions/login", fields)).outcome == "ambiguous_action")
        let two = Self.multipart([("$ACTION_ID_\(GateFixture.nextID)", ""), ("$ACTION_ID_login", "")])
        #expect(decide(formPost("/page", two)).outcome == "ambiguous_action")
    }

    @Test func actionFieldsWithoutAnIDAreRefused() {
        #expect(decide(formPost("/page", Self.multipart([("$ACTION_KEY", "k")]))).outcome == "unknown_action")
    }

    @Test func malformedBodiesAre400() {
        #expect(decide(formPost("/page", "--nope\r\n")).outcome == "malformed_request")
        #expect(decide(formPost("/page", "a=%zz", multipart: false)).outcome == "malformed_request")
        #expect(decide(formPost("/page", Self.multipart([("$ACTION_ID_bad id!", "")]))).outcome == "invalid_action_id")
    }

    @Test func markersOnAPassthroughRouteMakeItAnAction() throws {
        // /uploads/ is a passthrough route that allows POST: a form naming an action is still checked
        // as that action (here: a signed-in policy without a session).
        let body = Self.multipart([("$ACTION_ID_createPost", "")])
        #expect(decide(formPost("/uploads/x", body)).outcome == "unauthenticated")
        // The same body without markers passes through.
        #expect(decide(formPost("/uploads/x", Self.multipart([("file", "data")]))).outcome == "forward")
    }

    @Test func bodyIdentifiedActionsGetTheHeadChecksToo() {
        let body = Self.multipart([("$ACTION_ID_login", "")])
        #expect(decide(formPost("/page", body, extra: [])).outcome == "forward")
        let crossSite = formPost("/page", body)
        var head = crossSite.0
        head.headers.replace("Origin", "https://evil.example")
        #expect(fixture.decide(head, body: crossSite.1).outcome == "origin_rejected")
    }

    @Test func theBoundFieldIsOpenedForTheAction() throws {
        let token = try fixture.boundToken(action: GateFixture.nextID, args: #"["note-7"]"#)
        let body = Self.multipart([("$ACTION_ID_\(GateFixture.nextID)", ""), ("$ACTION_BOUND", token)])
        let plan = try #require(decide(formPost("/page", body)).plan)
        #expect(plan.headers.first("X-ActionGate-Bound-Args") == Base64URL.encode(Array(#"["note-7"]"#.utf8)))
        let urlencoded = "%24ACTION_ID_\(GateFixture.nextID)=&%24ACTION_BOUND=\(token)"
        #expect(
            decide(formPost("/page", urlencoded, multipart: false)).plan?.headers.first("X-ActionGate-Bound-Args")
                != nil)
        // A header copy as well as the field is ambiguous.
        #expect(decide(formPost("/page", body, extra: [("Action-Bound", token)])).outcome == "bound_args_rejected")
    }

    @Test func theBodyLimitOfTheIdentifiedActionApplies() {
        let body = Self.multipart([("$ACTION_ID_createPost", ""), ("text", String(repeating: "y", count: 400))])
        #expect(decide(formPost("/page", body)).outcome == "body_too_large")
    }

    @Test func randomBodiesNeverCrashTheGate() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let count = Int.random(in: 0..<300, using: &generator)
            var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if Bool.random(using: &generator) { bytes = Array(Self.multipart([("$ACTION_ID_login", "")]).utf8) + bytes }
            let head = formPost("/page", "").0
            var sized = head
            sized.contentLength = bytes.count
            sized.hasBody = true
            _ = fixture.decide(sized, body: bytes)
        }
    }
}
