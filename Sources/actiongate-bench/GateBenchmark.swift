import ActionGateCore
import ActionGateCrypto
import Dispatch
import Synchronization

/// The Gate's cost per request (issue 5: under 5 µs for a typical action without crypto), the cost
/// with a session and bound arguments to open, and a ten-rule policy alone (issue 8: well under 1 µs).
enum GateBenchmark {
    static let yaml = """
        public_origins: [https://app.example.com]
        upstreams: { app: { url: "http://127.0.0.1:3000" } }
        routes: [ { path_prefix: /, upstream: app, mode: actions } ]
        actions:
          default_policy: signed-in
          list:
            - { id: search, path: /actions/search, policy: public }
            - { id: createPost, path: /actions/createPost }
            - { id: deleteNote, path: /actions/deleteNote, bound_args: required }
            - { id: tenRules, path: /actions/tenRules, policy: ten }
        policies:
          public: { allow: [ { anyone: true } ] }
          signed-in: { allow: [ { authenticated: true } ] }
          ten:
            deny:
              - { claims: { suspended: true } }
              - { claims: { banned: true } }
              - { subject: [mallory, trudy] }
              - { source_ip: [192.0.2.0/24] }
              - { claims: { region: blocked } }
            allow:
              - { claims: { roles: root } }
              - { claims: { roles: owner } }
              - { subject: [ops-bot] }
              - { source_ip: [10.0.0.0/8] }
              - { claims: { roles: admin } }
        """

    static func run(_ arguments: [String]) throws {
        let configuration = try ConfigurationLoader(environment: [:], publicSuffixes: nil)
            .load(text: yaml, path: "/bench/config.yaml")
        let keys = CryptoBenchmark.Keys(key: try TokenKey(id: 0x0102_0304, secret: Array(repeating: 5, count: 32)))
        let gate = Gate(configuration: configuration, keys: keys)
        let now: Int64 = 1_800_000_000
        let cookieName = configuration.session.cookie
        let session = try SealedToken.seal(
            context: .session(cookieName: cookieName),
            data: try JSONValue(parsing: #"{"sub":"alice","roles":["admin"]}"#),
            iat: now - 60, exp: now + 3600, key: keys.key)
        let bound = try SealedToken.seal(
            context: .boundArguments(action: "deleteNote", subject: nil), data: try JSONValue(parsing: #"{"note":42}"#),
            iat: now - 1, exp: now + 600, key: keys.key)
        let body = Array(String(repeating: "x", count: 1024).utf8)

        func head(_ path: String, _ extra: [(String, String)] = []) -> RequestHead {
            RequestHead(
                method: "POST", target: path,
                headers: HeaderFields(
                    [
                        ("Host", "app.example.com"), ("Origin", "https://app.example.com"),
                        ("Content-Type", "application/json"), ("User-Agent", "bench/1.0"), ("Accept", "*/*"),
                    ] + extra),
                peerAddress: "203.0.113.9", contentLength: body.count, hasBody: true, requestID: "bench-1")
        }
        @Sendable func decide(_ head: RequestHead) -> UInt64 {
            switch gate.evaluateHead(head, now: now) {
            case .needBody(let pending):
                if case .forward(let plan) = gate.evaluateBody(pending, body: body, now: now) {
                    return UInt64(plan.headers.count)
                }
                return 0
            case .forward: return 1
            case .reject: return 0
            }
        }
        let cases: [(String, RequestHead)] = [
            ("public action, no crypto", head("/actions/search")),
            ("signed-in action (session open)", head("/actions/createPost", [("Cookie", "\(cookieName)=\(session)")])),
            (
                "session + bound args (2 opens)",
                head("/actions/deleteNote", [("Cookie", "\(cookieName)=\(session)"), ("Action-Bound", bound)])
            ),
        ]
        let timer = BenchmarkTimer()
        // `--threads N`: N threads decide at once with the one Gate, as the gateway's event loops do;
        // a cost that grows with N is shared state (reference counts of the configuration's objects
        // bouncing between cores), not work.
        var arguments = arguments
        var threads = 1
        if let index = arguments.firstIndex(of: "--threads") {
            guard index + 1 < arguments.count, let count = Int(arguments[index + 1]), (1...64).contains(count) else {
                throw BenchmarkFailure("--threads takes a count from 1 to 64")
            }
            threads = count
            arguments.removeSubrange(index...(index + 1))
        }
        print(
            "Gate decision per request (1 KiB JSON body, both phases)\(threads > 1 ? ", \(threads) threads at once, each" : ""):"
        )
        // `actiongate-bench gate WORD` runs only the cases whose name contains WORD (for profiling one).
        let only = arguments.first
        for (name, request) in cases where only.map({ name.contains($0) }) ?? true {
            guard decide(request) > 0 else { throw BenchmarkFailure("\(name) was not forwarded") }
            let results = Mutex([Double]())
            DispatchQueue.concurrentPerform(iterations: threads) { _ in
                let ns = timer.nanosecondsPerOperation { decide(request) }
                results.withLock { $0.append(ns) }
            }
            let each = results.withLock { $0 }.sorted().map { String(Int($0)) }.joined(separator: ", ")
            print("  \(name.padding(toLength: 34, withPad: " ", startingAt: 0)) \(each) ns")
        }
        guard only.map({ "ten-rule policy evaluation".contains($0) }) ?? true else { return }
        guard let policy = configuration.action(id: "tenRules")?.policy else {
            throw BenchmarkFailure("no tenRules action")
        }
        let identity = Identity(
            subject: "carol", claims: ["roles": .array([.string("admin")]), "region": .string("eu")])
        let address = IPAddress("203.0.113.9")
        let ns = timer.nanosecondsPerOperation {
            policy.evaluate(identity: identity, clientAddress: address).isAllowed ? 1 : 0
        }
        print("  ten-rule policy evaluation         \(Int(ns)) ns")
    }
}

struct BenchmarkFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
