import ActionGateCore
import ActionGateCrypto
import ArgumentParser

/// `actiongate policy …`: try an action's policy before deploying a change.
struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Test authorization policies against the configuration.",
        subcommands: [Test.self])

    /// `actiongate policy test --action ID [--claims JSON] [--subject S] [--ip A] [--explain] [--config F]`.
    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test",
            abstract: "Print allow or deny, with the rule that decided, for an action and a session.",
            discussion: """
                Without --claims and --subject the request has no session. With --claims, the subject is \
                --subject or the "sub" claim. Exit status: 0 allow, 1 deny (also in shadow mode), \
                2 invalid configuration or usage error.
                """)

        @Option(help: "The action id.")
        var action: String

        @Option(help: #"The session's claims as a JSON object, e.g. '{"sub":"alice","roles":["admin"]}'."#)
        var claims: String?

        @Option(help: "The session's subject (the sub claim).")
        var subject: String?

        @Option(help: "The client address, for source_ip rules (e.g. 10.0.0.7).")
        var ip: String?

        @Flag(help: "List every rule with match or no match.")
        var explain = false

        @Option(help: "The configuration file (default: $ACTIONGATE_CONFIG, else ./config.yaml).")
        var config: String?

        func run() throws {
            let identity = try makeIdentity()
            var address: IPAddress?
            if let ip {
                guard let parsed = IPAddress(ip) else {
                    throw StandardStreams.usageError("--ip must be an IPv4 or IPv6 address")
                }
                address = parsed
            }
            let configuration = try ConfigLocation.loadOrExit(ConfigLocation.resolve(config))
            guard let known = configuration.action(id: action) else {
                StandardStreams.error("unknown action \(action): the gateway answers 404 unknown_action")
                throw ExitCode(2)
            }
            let policy = known.policy
            if explain {
                for line in policy.explain(identity: identity, clientAddress: address).lines {
                    StandardStreams.out(line)
                }
            }
            let decision = policy.evaluate(identity: identity, clientAddress: address)
            if let rejection = decision.rejectionReason(hasIdentity: identity != nil) {
                StandardStreams.out("deny: \(decision.rule) (\(rejection.status) \(rejection.rawValue))")
                if !known.enforce {
                    StandardStreams.out(
                        "shadow mode (enforce: false): the gateway logs this denial and forwards the request")
                }
                throw ExitCode(1)
            }
            StandardStreams.out("allow: \(decision.rule)")
        }

        /// The identity from `--claims` and `--subject`, or `nil` for a request without a session.
        func makeIdentity() throws -> Identity? {
            guard claims != nil || subject != nil else { return nil }
            var values: [String: JSONValue] = [:]
            if let claims {
                guard let object = Self.parseClaims(claims) else {
                    throw StandardStreams.usageError(
                        #"--claims must be a JSON object, e.g. '{"sub":"alice","roles":["admin"]}'"#)
                }
                values = object
            }
            var sub: String?
            if case .string(let claimed)? = values["sub"] { sub = claimed }
            if let subject {
                if let sub, sub != subject { throw StandardStreams.usageError("--subject and the sub claim differ") }
                sub = subject
                values["sub"] = .string(subject)
            }
            guard let sub else { throw StandardStreams.usageError(#"give --subject or a "sub" string claim"#) }
            return Identity(subject: sub, claims: values)
        }

        /// A JSON object as claims, read with the same strict parser as session tokens.
        static func parseClaims(_ text: String) -> [String: JSONValue]? {
            guard case .object(let claims)? = try? JSONValue(parsing: text) else { return nil }
            return claims
        }
    }
}
