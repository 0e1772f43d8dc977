import ActionGateCore
import ArgumentParser

/// `actiongate origins …`: try the origin check before deploying an allowed-origins change.
struct OriginsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "origins",
        abstract: "Test the origin (CSRF) check against the configuration.",
        subcommands: [Test.self])

    /// `actiongate origins test [ORIGIN] [--host H] [--sec-fetch-site V] [--action ID] [--config F]`.
    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test",
            abstract: "Print allow, or deny: <reason>, for an Origin header value.",
            discussion: """
                Decides as the gateway would for an action request carrying this Origin (and Host, when \
                given). Without ORIGIN it decides for a request without an Origin header, using \
                --sec-fetch-site and the missing_origin setting of --action (or of actions:). \
                Exit status: 0 allow, 1 deny, 2 invalid configuration or usage error.
                """)

        @Argument(help: "The Origin header value, e.g. https://app.example.com (omit for no Origin header).")
        var origin: String?

        @Option(help: "The Host header value; it must name a public origin.")
        var host: String?

        @Option(name: .customLong("sec-fetch-site"), help: "The Sec-Fetch-Site header value.")
        var secFetchSite: String?

        @Option(help: "The action whose missing_origin setting applies.")
        var action: String?

        @Option(help: "The configuration file (default: $ACTIONGATE_CONFIG, else ./config.yaml).")
        var config: String?

        func run() throws {
            let configuration = try ConfigLocation.loadOrExit(ConfigLocation.resolve(config))
            var missingOrigin = configuration.actions.missingOrigin
            if let action {
                guard let known = configuration.action(id: action) else {
                    StandardStreams.error("unknown action \(action): it is not in actions.list or the Next.js manifest")
                    throw ExitCode(2)
                }
                missingOrigin = known.missingOrigin
            }
            if let host, !configuration.originMatcher.isAllowedHost(host) {
                StandardStreams.out("deny: \(RejectionReason.unknownHost.rawValue)")
                StandardStreams.out("the Host does not name a public origin (421)")
                throw ExitCode(1)
            }
            let decision = configuration.originMatcher.check(
                originValues: origin.map { [$0] } ?? [], secFetchSite: secFetchSite, missingOrigin: missingOrigin)
            switch decision {
            case .allowed(let reason, let line):
                StandardStreams.out("allow")
                StandardStreams.out("matched: \(Self.describe(reason, line: line, configuration))")
            case .rejected(let reason), .malformed(let reason):
                StandardStreams.out("deny: \(reason.rawValue)")
                if let rejection = decision.rejectionReason {
                    StandardStreams.out("the gateway answers \(rejection.status) \(rejection.rawValue)")
                }
                throw ExitCode(1)
            }
        }

        static func describe(_ reason: OriginDecision.AllowReason, line: Int?, _ configuration: Configuration) -> String
        {
            switch reason {
            case .publicOrigin:
                return "a public origin"
            case .allowedOriginsEntry:
                let file = configuration.allowedOriginsFile ?? "the allowed-origins file"
                let entry =
                    configuration.allowedOrigins.entries.first { $0.line == line }.map { " (\($0.pattern))" } ?? ""
                return "\(file):\(line ?? 0)\(entry)"
            case .sameOriginFetch:
                return "no Origin, and Sec-Fetch-Site: same-origin"
            case .missingOriginAllowed:
                return "no Origin, and missing_origin: allow"
            }
        }
    }
}
