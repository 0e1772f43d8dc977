import ActionGateTestSupport
import Foundation
import Testing

/// `actiongate config check`, run as a real process on real files.
@Suite struct ConfigCommandTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static let valid = """
        public_origins: [https://app.example.com]
        keyring: ./keys.json
        allowed_origins_file: origins.txt
        upstreams:
          app: { url: http://127.0.0.1:3000 }
        routes:
          - { path_prefix: /, upstream: app }
        actions:
          list: [ { id: a, policy: p } ]
        policies:
          p: { allow: [ { anyone: true } ] }
          unused: { allow: [ { anyone: true } ] }
        """

    static func write(_ files: [String: String], in folder: URL) throws {
        for (name, text) in files {
            try FileReplacement.write(text, to: folder.appendingPathComponent(name))
        }
    }

    /// `files`, plus a keyring at keys.json (what `serve` needs besides the configuration).
    static func writeWithKeyring(_ files: [String: String], in folder: URL) throws {
        try write(files, in: folder)
        let created = try ActionGateProcess.run(["keys", "init", "--keyring", "keys.json"], directory: folder)
        #expect(created.status == 0, "\(created.stderr)")
    }

    @Test func theShippedExamplePasses() throws {
        let result = try withTemporaryFolder { folder in
            for name in ["config.yaml.example", "allowed-origins.txt.example"] {
                try FileManager.default.copyItem(
                    at: Self.repositoryRoot.appendingPathComponent(name), to: folder.appendingPathComponent(name))
            }
            try Self.writeWithKeyring([:], in: folder)
            return try ActionGateProcess.run(["config", "check", "config.yaml.example"], directory: folder)
        }
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("config.yaml.example: ok\n"))
        #expect(result.stdout.contains("allowed origins: 3 entries from"))
        #expect(result.stdout.contains("actions: 4; policies: 4"))
        #expect(result.stdout.contains("\naudit log: standard output\n"))
        // 10 000 client connections + upstream (128 in the example) and admin (128) connections
        // + 64 + 3 per event loop: what LimitNOFILE= must allow.
        let openFiles = try #require(
            result.stdout.split(separator: "\n").first { $0.hasPrefix("open files: serve needs up to ") })
        let needed = try #require(
            Int(openFiles.dropFirst("open files: serve needs up to ".count).prefix { $0.isNumber }))
        #expect((10_000 + 128 + 128 + 64 + 3)...(10_000 + 128 + 128 + 64 + 3 * 1024) ~= needed, "\(openFiles)")
        #expect(openFiles.hasSuffix("LimitNOFILE=\(needed) or more"), "\(openFiles)")
        #expect(!result.stderr.contains("error"))
    }

    @Test func aValidFilePrintsASummaryAndWarnings() throws {
        try withTemporaryFolder { folder in
            try Self.writeWithKeyring(
                ["config.yaml": Self.valid, "origins.txt": "https://*.partner.example.org\n"], in: folder)
            let result = try ActionGateProcess.run(["config", "check", "--config", "config.yaml"], directory: folder)
            #expect(result.status == 0)
            #expect(result.stdout.contains("config.yaml: ok"))
            #expect(result.stdout.contains("listen: 0.0.0.0:8080; admin: 127.0.0.1:9090"))
            #expect(result.stdout.contains("public origins: 1 (https://app.example.com)"))
            #expect(result.stdout.contains("allowed origins: 1 entries from \(folder.path)/origins.txt"))
            #expect(result.stdout.contains("actions: 1; policies: 2"))
            #expect(result.stdout.contains("keyring: \(folder.path)/keys.json (1 key: active "))
            #expect(result.stderr == "config.yaml:12: warning: policies.unused: not used by any action\n")
        }
    }

    @Test func theKeyringStateIsReportedAndAnUnusableKeyringFails() throws {
        try withTemporaryFolder { folder in
            try Self.write(["config.yaml": Self.valid, "origins.txt": ""], in: folder)
            let keyring = folder.appendingPathComponent("keys.json").path
            let missing = try ActionGateProcess.run(["config", "check"], directory: folder)
            #expect(missing.status == 1, "serve refuses to start without its keyring")
            #expect(missing.stdout.contains("keyring: \(keyring) (missing: see below)"))
            #expect(missing.stderr.contains("\(keyring): no keyring there; create it with `actiongate keys init"))
            #expect(missing.stderr.contains("`actiongate serve` would not start with these files"))
            let created = try ActionGateProcess.run(["keys", "init", "--keyring", "keys.json"], directory: folder)
            #expect(created.status == 0, "\(created.stderr)")
            let stage = try ActionGateProcess.run(["keys", "stage", "--keyring", "keys.json"], directory: folder)
            #expect(stage.status == 0, "\(stage.stderr)")
            let usable = try ActionGateProcess.run(["config", "check"], directory: folder)
            #expect(usable.status == 0)
            #expect(usable.stdout.contains("(2 keys: active "))
            #expect(usable.stdout.contains(", 1 staged, 0 decrypt-only)"))
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: keyring)
            let open = try ActionGateProcess.run(["config", "check"], directory: folder)
            #expect(open.status == 1)
            #expect(open.stdout.contains("keyring: \(keyring) (unusable: see below)"))
            #expect(open.stderr.contains("mode 644 lets group or others access the keys. Run `chmod 600"))
        }
    }

    /// A valid configuration with files `serve` cannot use is exit 1, each problem named with what to do.
    @Test(arguments: [
        ("no keyring key", "keyring: ./keys.json\n", "", "keyring: not set; the gateway needs one"),
        (
            "missing admin token", "", "admin: { token_file: ./missing.token }\n",
            "missing.token: admin.token_file does not exist; create it"
        ),
        (
            "admin token a folder", "", "admin: { token_file: ./keysdir }\n",
            "keysdir: admin.token_file is not a regular file"
        ),
        (
            "short admin token", "", "admin: { token_file: ./short.token }\n",
            "admin token is shorter than 16 characters"
        ),
        (
            "admin token writable by its group", "", "admin: { token_file: ./group.token }\n",
            "group.token: admin.token_file is open to every user or writable by its group (mode 660)"
        ),
        (
            "admin token of binary bytes", "", "admin: { token_file: ./binary.token }\n",
            "binary.token: the admin token must be printable ASCII without spaces"
        ),
        (
            "admin token readable by others", "", "admin: { token_file: ./shared.token }\n",
            "shared.token: admin.token_file is open to every user or writable by its group (mode 644); run `chmod 600"
        ),
        (
            "audit folder missing", "", "log: { audit: ./no/such/folder/audit.log }\n",
            "the audit log could not be opened for appending"
        ),
    ])
    func filesServeCannotUseFailTheCheck(_ name: String, remove: String, add: String, message: String) throws {
        try withTemporaryFolder { folder in
            let config = Self.valid.replacingOccurrences(of: remove.isEmpty ? "\u{0}" : remove, with: "") + "\n" + add
            try Self.writeWithKeyring(
                [
                    "config.yaml": config, "origins.txt": "", "short.token": "0123456789\n",
                    "shared.token": "0123456789abcdef0123456789abcdef\n",
                ], in: folder)
            chmod(folder.appendingPathComponent("short.token").path, 0o600)
            chmod(folder.appendingPathComponent("shared.token").path, 0o644)
            try Self.write(["group.token": "0123456789abcdef0123456789abcdef\n"], in: folder)
            chmod(folder.appendingPathComponent("group.token").path, 0o660)
            // Six bytes that are not UTF-8 became 18 bytes of U+FFFD, past the 16-character minimum.
            try Data([0xFF, 0xFE, 0xFD, 0xFC, 0xFB, 0xFA]).write(to: folder.appendingPathComponent("binary.token"))
            chmod(folder.appendingPathComponent("binary.token").path, 0o600)
            try FileManager.default.createDirectory(
                at: folder.appendingPathComponent("keysdir"), withIntermediateDirectories: false,
                attributes: [.posixPermissions: 0o700])
            let result = try ActionGateProcess.run(["config", "check"], directory: folder)
            #expect(result.status == 1, "\(name): \(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("config.yaml: ok"), "\(name)")
            #expect(result.stderr.contains(message), "\(name): \(result.stderr)")
        }
    }

    /// The handlers that seal need the admin token too: a group may share it; every user may not.
    @Test func anAdminTokenSharedWithAGroupPasses() throws {
        try withTemporaryFolder { folder in
            let config = Self.valid + "\nadmin: { token_file: ./group.token }\n"
            try Self.writeWithKeyring(
                ["config.yaml": config, "origins.txt": "", "group.token": "0123456789abcdef0123456789abcdef\n"],
                in: folder)
            chmod(folder.appendingPathComponent("group.token").path, 0o640)
            let result = try ActionGateProcess.run(["config", "check"], directory: folder)
            #expect(result.status == 0, "\(result.stderr)")
        }
    }

    @Test func everyErrorIsPrintedWithFileAndLine() throws {
        try withTemporaryFolder { folder in
            let broken = Self.valid
                .replacingOccurrences(of: "https://app.example.com]", with: "https://app.example.com/]")
                .replacingOccurrences(of: "policy: p }", with: "policy: q }")
            try Self.write(["config.yaml": broken, "origins.txt": "# ok\n*.example.com\n"], in: folder)
            let result = try ActionGateProcess.run(["config", "check", "config.yaml"], directory: folder)
            #expect(result.status == 1)
            #expect(result.stdout.isEmpty)
            let lines = result.stderr.split(separator: "\n").map(String.init)
            #expect(
                lines == [
                    "config.yaml:1: public_origins[0]: an origin has no path: "
                        + "remove everything from the first / after the host",
                    "config.yaml:9: actions.list[0].policy: unknown policy; expected one of p, unused",
                    "\(folder.path)/origins.txt:2: no scheme: write the origin as https://host or http://host[:port]",
                    "config.yaml:11: warning: policies.p: not used by any action",
                    "config.yaml:12: warning: policies.unused: not used by any action",
                    "config.yaml: 3 errors; the configuration is invalid",
                ])
        }
    }

    @Test func theEnvironmentNamesTheDefaultFile() throws {
        try withTemporaryFolder { folder in
            try Self.writeWithKeyring(["other.yaml": Self.valid, "origins.txt": ""], in: folder)
            let result = try ActionGateProcess.run(
                ["config", "check"], environment: ["ACTIONGATE_CONFIG": "other.yaml"], directory: folder)
            #expect(result.status == 0)
            #expect(result.stdout.hasPrefix("other.yaml: ok"))
        }
    }

    @Test func withoutAnyNameItReadsConfigYamlHere() throws {
        try withTemporaryFolder { folder in
            try Self.writeWithKeyring(["config.yaml": Self.valid, "origins.txt": ""], in: folder)
            let result = try ActionGateProcess.run(["config", "check"], directory: folder)
            #expect(result.status == 0)
            #expect(result.stdout.hasPrefix("config.yaml: ok"))
        }
    }

    @Test func anUnreadableFileExitsWithTwo() throws {
        try withTemporaryFolder { folder in
            let missing = try ActionGateProcess.run(["config", "check", "missing.yaml"], directory: folder)
            #expect(missing.status == 2)
            #expect(missing.stderr == "missing.yaml: cannot read the configuration: no such file\n")
            try Data([0xFF, 0xFE, 0x00]).write(to: folder.appendingPathComponent("binary.yaml"))
            let binary = try ActionGateProcess.run(["config", "check", "binary.yaml"], directory: folder)
            #expect(binary.status == 2)
            #expect(binary.stderr.contains("not UTF-8"))
        }
    }

    @Test func namingTwoFilesIsAUsageError() throws {
        let result = try ActionGateProcess.run(["config", "check", "a.yaml", "--config", "b.yaml"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("name the configuration file once"))
    }
}
