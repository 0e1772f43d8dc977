import ActionGateCore

/// `config.yaml` through `ConfigurationLoader.load(text:path:)`: YAML (Yams and its C libyaml), every
/// section decoder, the allowed-origins file and Next.js manifest it may name (fixed side files).
///
/// Properties: a refused configuration lists at least one error, errors before warnings, each naming
/// a file; a loaded one is internally consistent (routes name known upstreams, actions are indexed by
/// id and path, the origin matcher uses the public origins), and a Gate built from it decides a few
/// ordinary requests without trouble.
enum ConfigFuzzer {
    static let path = "/etc/actiongate/config.yaml"

    static let loader = ConfigurationLoader(
        environment: ["APP_DIR": "/srv/app", "EMPTY": ""], publicSuffixes: nil, readFile: FuzzFixture.sideFile)

    static func run(_ input: [UInt8]) throws(PropertyViolation) {
        let text = String(decoding: input, as: UTF8.self)
        let configuration: Configuration
        do {
            configuration = try loader.load(text: text, path: path)
        } catch {
            try checkRefusal(error)
            return
        }
        try checkConsistency(configuration)
        try checkGate(configuration)
    }

    static func checkRefusal(_ error: ConfigurationError) throws(PropertyViolation) {
        let issues = error.issues
        try PropertyViolation.check(issues.first?.severity == .error, "a refused configuration without an error first")
        let firstWarning = issues.firstIndex { $0.severity == .warning } ?? issues.count
        try PropertyViolation.check(
            issues[firstWarning...].allSatisfy { $0.severity == .warning }, "errors after warnings")
        for issue in issues {
            try PropertyViolation.check(
                !issue.file.isEmpty && !issue.message.isEmpty, "an issue without file or message")
            try PropertyViolation.check(issue.line.map { $0 >= 1 } ?? true, "an issue with a line number below 1")
            try PropertyViolation.check(!issue.description.isEmpty, "an issue without a description")
        }
    }

    static func checkConsistency(_ configuration: Configuration) throws(PropertyViolation) {
        try PropertyViolation.check(!configuration.publicOrigins.isEmpty, "loaded without public origins")
        try PropertyViolation.check(
            configuration.originMatcher.publicOrigins == configuration.publicOrigins, "matcher has other origins")
        try PropertyViolation.check(!configuration.routes.isEmpty, "loaded without routes")
        for route in configuration.routes {
            try PropertyViolation.check(
                configuration.upstream(named: route.upstream) != nil, "a route names an unknown upstream")
        }
        for action in configuration.actions.list {
            try PropertyViolation.check(configuration.action(id: action.id)?.id == action.id, "action not found by id")
            try PropertyViolation.check(ActionIDShape.of(action.id) != nil, "an action id without a valid shape")
            if let path = action.path {
                try PropertyViolation.check(
                    configuration.action(path: path)?.id == action.id, "action not found by its path")
            }
        }
        try PropertyViolation.check(
            configuration.warnings.allSatisfy { $0.severity == .warning }, "an error among the warnings")
    }

    /// A Gate on the loaded configuration decides a page render and a POST to a few actions.
    static func checkGate(_ configuration: Configuration) throws(PropertyViolation) {
        let gate = Gate(configuration: configuration, keys: try FuzzFixture.keys.get())
        guard let origin = configuration.publicOrigins.first else { return }
        var targets = ["/"]
        targets += configuration.actions.list.prefix(4).compactMap(\.path)
        for target in targets {
            for method in ["GET", "POST"] {
                let head = RequestHead(
                    method: method, target: target,
                    headers: HeaderFields([
                        ("Host", origin.authority), ("Origin", origin.description),
                        ("Content-Type", "application/json"),
                    ]),
                    peerAddress: "203.0.113.9", contentLength: method == "POST" ? 2 : nil, hasBody: method == "POST",
                    requestID: "fuzz-1")
                let verdict = GateDriver.decide(gate, head, body: Array("{}".utf8), now: FuzzFixture.now)
                try GateProperties.check(verdict, head: head, gate: gate, fixturePolicies: false)
            }
        }
    }
}
