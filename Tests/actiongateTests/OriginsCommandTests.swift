import ActionGateTestSupport
import Foundation
import Testing

/// `actiongate origins test`, run as a real process on real files.
@Suite struct OriginsCommandTests {
    static let config = """
        public_origins: [https://app.example.com, "http://localhost:8080"]
        keyring: ./keys.json
        allowed_origins_file: ${ORIGINS_FILE}
        upstreams:
          app: { url: http://127.0.0.1:3000 }
        routes:
          - { path_prefix: /, upstream: app }
        actions:
          list:
            - { id: webhook, policy: p, missing_origin: allow }
            - { id: save, policy: p }
        policies:
          p: { allow: [ { anyone: true } ] }
        """

    static let origins = """
        # partners
        https://partner.example.org
        https://*.preview.example.com
        """

    /// Arguments, then the expected exit status and standard output.
    static let cases: [([String], Int32, String)] = [
        (["https://app.example.com"], 0, "allow\nmatched: a public origin\n"),
        (["HTTPS://APP.EXAMPLE.COM:443"], 0, "allow\nmatched: a public origin\n"),
        (["http://localhost:8080", "--host", "localhost:8080"], 0, "allow\nmatched: a public origin\n"),
        (
            ["https://pr-7.preview.example.com"], 0,
            "allow\nmatched: {folder}/origins.txt:3 (https://*.preview.example.com)\n"
        ),
        (
            ["https://partner.example.org", "--host", "app.example.com"], 0,
            "allow\nmatched: {folder}/origins.txt:2 (https://partner.example.org)\n"
        ),
        (["https://a.b.preview.example.com"], 1, "deny: origin_not_allowed\nthe gateway answers 403 origin_rejected\n"),
        (["https://evil.example.net"], 1, "deny: origin_not_allowed\nthe gateway answers 403 origin_rejected\n"),
        (["null"], 1, "deny: null_origin\nthe gateway answers 403 origin_rejected\n"),
        (["https://app.example.com/"], 1, "deny: malformed_origin\nthe gateway answers 400 malformed_origin\n"),
        (["https://a.com, https://b.com"], 1, "deny: multiple_origins\nthe gateway answers 400 malformed_origin\n"),
        (
            ["https://app.example.com", "--host", "evil.example.net"], 1,
            "deny: unknown_host\nthe Host does not name a public origin (421)\n"
        ),
        ([], 1, "deny: missing_origin\nthe gateway answers 403 origin_rejected\n"),
        (["--sec-fetch-site", "same-origin"], 0, "allow\nmatched: no Origin, and Sec-Fetch-Site: same-origin\n"),
        (["--action", "webhook"], 0, "allow\nmatched: no Origin, and missing_origin: allow\n"),
        (["--action", "save"], 1, "deny: missing_origin\nthe gateway answers 403 origin_rejected\n"),
        (
            ["--action", "webhook", "--sec-fetch-site", "cross-site"], 1,
            "deny: cross_site_without_origin\nthe gateway answers 403 origin_rejected\n"
        ),
    ]

    @Test(arguments: cases)
    func decidesLikeTheGateway(arguments: [String], status: Int32, output: String) throws {
        try withTemporaryFolder { folder in
            try FileReplacement.write(Self.config, to: folder.appendingPathComponent("gateway.yaml"))
            try FileReplacement.write(Self.origins, to: folder.appendingPathComponent("origins.txt"))
            let result = try ActionGateProcess.run(
                ["origins", "test"] + arguments + ["--config", "gateway.yaml"],
                environment: ["ORIGINS_FILE": "origins.txt"], directory: folder)
            #expect(result.status == status, "\(result.stderr)")
            #expect(result.stdout == output.replacingOccurrences(of: "{folder}", with: folder.path))
        }
    }

    @Test func anInvalidConfigurationCannotAnswer() throws {
        try withTemporaryFolder { folder in
            try FileReplacement.write(Self.config, to: folder.appendingPathComponent("config.yaml"))
            try "https://*.com\n".write(
                to: folder.appendingPathComponent("origins.txt"), atomically: false, encoding: .utf8)
            let result = try ActionGateProcess.run(
                ["origins", "test", "https://app.example.com"], environment: ["ORIGINS_FILE": "origins.txt"],
                directory: folder)
            #expect(result.status == 2)
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains("\(folder.path)/origins.txt:1: the wildcard covers every site"))
            let unset = try ActionGateProcess.run(["origins", "test", "https://app.example.com"], directory: folder)
            #expect(unset.status == 2)
            #expect(
                unset.stderr.contains(
                    "config.yaml:3: allowed_origins_file: environment variable ORIGINS_FILE is not set"))
        }
    }

    @Test func anUnknownActionIsAUsageError() throws {
        try withTemporaryFolder { folder in
            try FileReplacement.write(Self.config, to: folder.appendingPathComponent("config.yaml"))
            try FileReplacement.write("", to: folder.appendingPathComponent("origins.txt"))
            let result = try ActionGateProcess.run(
                ["origins", "test", "--action", "nope"], environment: ["ORIGINS_FILE": "origins.txt"], directory: folder
            )
            #expect(result.status == 2)
            #expect(result.stderr.contains("unknown action nope"))
        }
    }
}
