import ActionGateTestSupport
import Foundation
import Testing

/// `actiongate policy test`, run as a real process on real files.
@Suite struct PolicyCommandTests {
    static let config = """
        public_origins: [https://app.example.com]
        keyring: ./keys.json
        upstreams:
          app: { url: http://127.0.0.1:3000 }
        routes:
          - { path_prefix: /, upstream: app }
        actions:
          list:
            - { id: deleteUser, policy: admins }
            - { id: report, policy: internal, enforce: false }
            - { id: home, policy: public }
        policies:
          public: { allow: [ { anyone: true } ] }
          admins:
            allow: [ { claims: { roles: admin } }, { subject: [root] } ]
            deny: [ { claims: { suspended: true } } ]
          internal:
            allow: [ { source_ip: [10.0.0.0/8, "fd00::/8"] } ]
        """

    static let admin = #"{"sub":"alice","roles":["admin","editor"]}"#
    static let suspended = #"{"sub":"eve","roles":["admin"],"suspended":true}"#
    static let viewer = #"{"sub":"bob","roles":"viewer","suspended":false}"#

    static let cases: [([String], Int32, String)] = [
        (["--action", "deleteUser", "--claims", admin], 0, "allow: admins.allow[0]\n"),
        (["--action", "deleteUser", "--subject", "root"], 0, "allow: admins.allow[1]\n"),
        (["--action", "deleteUser", "--claims", suspended], 1, "deny: admins.deny[0] (403 forbidden)\n"),
        (["--action", "deleteUser", "--claims", viewer], 1, "deny: admins: no allow rule matched (403 forbidden)\n"),
        (["--action", "deleteUser"], 1, "deny: admins: no allow rule matched (401 unauthenticated)\n"),
        (["--action", "home"], 0, "allow: public.allow[0]\n"),
        (["--action", "report", "--ip", "10.1.2.3"], 0, "allow: internal.allow[0]\n"),
        (["--action", "report", "--ip", "::ffff:10.1.2.3"], 0, "allow: internal.allow[0]\n"),
        (["--action", "report", "--ip", "fd00::7"], 0, "allow: internal.allow[0]\n"),
        (
            ["--action", "report", "--ip", "192.0.2.1"], 1,
            "deny: internal: no allow rule matched (401 unauthenticated)\n"
                + "shadow mode (enforce: false): the gateway logs this denial and forwards the request\n"
        ),
        (
            ["--action", "deleteUser", "--claims", suspended, "--explain"], 1,
            "admins.deny[0]: match (claims: yes)\nadmins.allow[0]: match (claims: yes)\n"
                + "admins.allow[1]: no match (subject: no)\ndeny: admins.deny[0] (403 forbidden)\n"
        ),
    ]

    @Test(arguments: cases)
    func decidesAndNamesTheRule(arguments: [String], status: Int32, output: String) throws {
        try withTemporaryFolder { folder in
            try FileReplacement.write(Self.config, to: folder.appendingPathComponent("config.yaml"))
            let result = try ActionGateProcess.run(["policy", "test"] + arguments, directory: folder)
            #expect(result.status == status, "\(result.stderr)")
            #expect(result.stdout == output)
        }
    }

    static let usageErrors: [([String], String)] = [
        (["--action", "nope"], "unknown action nope"),
        (["--action", "home", "--claims", "[1]"], "--claims must be a JSON object"),
        (["--action", "home", "--claims", "{"], "--claims must be a JSON object"),
        (["--action", "home", "--claims", #"{"sub":"a","sub":"b"}"#], "--claims must be a JSON object"),
        (["--action", "home", "--claims", #"{"roles":"x"}"#], #"give --subject or a "sub" string claim"#),
        (["--action", "home", "--claims", #"{"sub":"a"}"#, "--subject", "b"], "--subject and the sub claim differ"),
        (["--action", "home", "--ip", "10.0.0"], "--ip must be an IPv4 or IPv6 address"),
    ]

    @Test(arguments: usageErrors)
    func refusesBadInputWithStatusTwo(arguments: [String], message: String) throws {
        try withTemporaryFolder { folder in
            try FileReplacement.write(Self.config, to: folder.appendingPathComponent("config.yaml"))
            let result = try ActionGateProcess.run(["policy", "test"] + arguments, directory: folder)
            #expect(result.status == 2)
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains(message), "\(result.stderr)")
        }
    }

    @Test func aMissingConfigurationIsAnIOError() throws {
        try withTemporaryFolder { folder in
            let result = try ActionGateProcess.run(
                ["policy", "test", "--action", "a", "--config", "none.yaml"], directory: folder)
            #expect(result.status == 2)
            #expect(result.stderr.contains("none.yaml: cannot read the configuration: no such file"))
        }
    }
}
