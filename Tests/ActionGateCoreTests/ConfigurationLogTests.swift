import ActionGateCore
import Testing

/// The `log:` section: where the audit log goes and the operational log level.
@Suite struct ConfigurationLogTests {
    @Test func defaultsToStdoutAtInfo() throws {
        let configuration = try ConfigurationFixture.load(ConfigurationFixture.minimal)
        #expect(configuration.log == LogConfiguration(audit: .standardOutput, level: .info))
    }

    static let valid: [(String, LogConfiguration)] = [
        ("log: { audit: stdout }", LogConfiguration(audit: .standardOutput)),
        ("log: { audit: stderr, level: debug }", LogConfiguration(audit: .standardError, level: .debug)),
        ("log: { audit: off, level: warning }", LogConfiguration(audit: .off, level: .warning)),
        ("log: { audit: ./logs/audit.log }", LogConfiguration(audit: .file("/etc/actiongate/logs/audit.log"))),
        (
            "log: { audit: /var/log/actiongate/audit.log }",
            LogConfiguration(audit: .file("/var/log/actiongate/audit.log"))
        ),
        ("log: { audit: \"${LOGS}/audit.log\" }", LogConfiguration(audit: .file("/srv/logs/audit.log"))),
        ("log: { level: critical }", LogConfiguration(level: .critical)),
        ("log: {}", LogConfiguration()),
    ]

    @Test(arguments: valid)
    func decodes(_ yaml: String, _ expected: LogConfiguration) throws {
        let configuration = try ConfigurationFixture.load(
            ConfigurationFixture.minimal + yaml + "\n", environment: ["LOGS": "/srv/logs"])
        #expect(configuration.log == expected)
    }

    static let broken: [(yaml: String, location: String, message: String)] = [
        ("log: { audit: stdout, format: text }", "config.yaml:8: log.format", "unknown key"),
        ("log: { level: verbose }", "config.yaml:8: log.level", "unknown level; expected one of trace, debug"),
        ("log: { audit: [stdout] }", "config.yaml:8: log.audit", "expected stdout, stderr, off or a path"),
        ("log: { audit: \"\" }", "config.yaml:8: log.audit", "the path is empty"),
        ("log: { audit: \"${NOPE}/a.log\" }", "config.yaml:8: log.audit", "environment variable NOPE is not set"),
        ("log: stdout", "config.yaml:8: log", "expected a mapping with keys audit, level"),
        // Mistyped switches and streams are not taken for file names.
        ("log: { audit: STDOUT }", "config.yaml:8: log.audit", "write stdout in lower case"),
        ("log: { audit: Stderr }", "config.yaml:8: log.audit", "write stderr in lower case"),
        ("log: { audit: OFF }", "config.yaml:8: log.audit", "write off in lower case"),
        ("log: { audit: false }", "config.yaml:8: log.audit", "write off to turn the audit log off"),
        ("log: { audit: no }", "config.yaml:8: log.audit", "\"no\" is not an output"),
        ("log: { audit: none }", "config.yaml:8: log.audit", "\"none\" is not an output"),
        ("log: { audit: \"-\" }", "config.yaml:8: log.audit", "\"-\" is not an output"),
    ]

    @Test(arguments: broken)
    func refusesWithFileLineAndKey(_ yaml: String, _ location: String, _ message: String) {
        let issues = ConfigurationFixture.issues(ConfigurationFixture.minimal + yaml + "\n").filter {
            !$0.contains("warning:")
        }
        #expect(issues.count == 1, "\(issues)")
        guard let issue = issues.first else { return }
        #expect(issue.hasPrefix("/etc/actiongate/" + location + ": "), "\(issue)")
        #expect(issue.contains(message), "\(issue)")
    }
}
