import Foundation
import Testing

/// Runs `actiongate args…` in `folder`.
func actiongate(_ arguments: [String], in folder: URL, environment: [String: String?] = [:]) throws
    -> ActionGateProcess.Result
{
    try ActionGateProcess.run(arguments, environment: environment, directory: folder)
}

/// The keys of `keys list --json`, as dictionaries.
func listedKeys(_ keyring: String, in folder: URL) throws -> [[String: Any]] {
    let result = try actiongate(["keys", "list", "--json", "--keyring", keyring], in: folder)
    #expect(result.status == 0, "\(result.stderr)")
    let document = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    return document?["keys"] as? [[String: Any]] ?? []
}

/// Ids of the listed keys in `state`.
func keyIDs(_ keyring: String, in folder: URL, state: String) throws -> [String] {
    try listedKeys(keyring, in: folder).filter { $0["state"] as? String == state }.compactMap { $0["id"] as? String }
}

/// A minimal valid configuration naming `keys.json` and the given lifetimes.
func writeConfig(in folder: URL, name: String = "config.yaml", extra: String = "") throws {
    let text = """
        public_origins: [https://app.example.com]
        keyring: ./keys.json
        upstreams:
          app: { url: http://127.0.0.1:3000 }
        routes:
          - { path_prefix: /, upstream: app, mode: actions }
        \(extra)
        """
    try Data(text.utf8).write(to: folder.appendingPathComponent(name))
}

@Suite struct KeysCommandTests {
    @Test func initCreatesAPrivateKeyringAndNeverOverwrites() throws {
        try withTemporaryFolder { folder in
            let created = try actiongate(["keys", "init", "--keyring", "keys.json"], in: folder)
            #expect(created.status == 0)
            let path = folder.appendingPathComponent("keys.json").path
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            let before = FileManager.default.contents(atPath: path)
            #expect(try keyIDs("keys.json", in: folder, state: "active").count == 1)

            let again = try actiongate(["keys", "init", "--keyring", "keys.json"], in: folder)
            #expect(again.status == 1)
            #expect(again.stderr.contains("already exists"))
            #expect(FileManager.default.contents(atPath: path) == before)

            let nowhere = try actiongate(["keys", "init", "--keyring", "missing/keys.json"], in: folder)
            #expect(nowhere.status == 2)
        }
    }

    @Test func listShowsStatesAgesAndRetirementButNoSecret() throws {
        try withTemporaryFolder { folder in
            _ = try actiongate(["keys", "init", "--keyring", "keys.json"], in: folder)
            _ = try actiongate(["keys", "rotate", "--keyring", "keys.json"], in: folder)
            _ = try actiongate(["keys", "stage", "--keyring", "keys.json"], in: folder)
            let text = try actiongate(["keys", "list", "--keyring", "keys.json"], in: folder)
            #expect(text.status == 0)
            #expect(text.stdout.contains("ID        STATE         CREATED               AGE"))
            #expect(text.stdout.contains("seals new tokens"))
            #expect(text.stdout.contains("opens only; promote once every replica has it"))
            #expect(text.stdout.contains("safe to retire from "))
            #expect(text.stdout.contains("7d + 1m clock skew, from defaults"))

            let keys = try listedKeys("keys.json", in: folder)
            #expect(keys.map { $0["state"] as? String } == ["decrypt-only", "active", "staged"])
            let demoted = try #require(keys.first)
            #expect(demoted["safe_to_retire"] as? Bool == false)
            let safeAt = try #require(demoted["safe_to_retire_at"] as? String)
            let expected = Date().addingTimeInterval(7 * 86_400 + 60)
            let parsed = try #require(ISO8601DateFormatter().date(from: safeAt))
            #expect(abs(parsed.timeIntervalSince(expected)) < 30)
            #expect(keys[1]["safe_to_retire_at"] == nil)

            let file = try String(contentsOf: folder.appendingPathComponent("keys.json"), encoding: .utf8)
            let secrets = file.split(separator: "\"").filter { $0.count == 44 && $0.hasSuffix("=") }
            #expect(secrets.count == 3)
            let json = try actiongate(["keys", "list", "--json", "--keyring", "keys.json"], in: folder)
            for secret in secrets {
                #expect(!text.stdout.contains(secret) && !json.stdout.contains(secret))
            }
        }
    }

    @Test func stagePromoteAndRotateMoveKeysThroughTheirStates() throws {
        try withTemporaryFolder { folder in
            _ = try actiongate(["keys", "init", "--keyring", "keys.json"], in: folder)
            let first = try keyIDs("keys.json", in: folder, state: "active")
            let staged = try actiongate(["keys", "stage", "--keyring", "keys.json"], in: folder)
            #expect(staged.status == 0)
            let stagedIDs = try keyIDs("keys.json", in: folder, state: "staged")
            #expect(stagedIDs.count == 1)
            #expect(staged.stdout.contains("actiongate keys promote \(stagedIDs[0])"))
            _ = try actiongate(["keys", "stage", "--keyring", "keys.json"], in: folder)

            let promoted = try actiongate(["keys", "promote", "--keyring", "keys.json"], in: folder)
            #expect(promoted.status == 0)
            #expect(try keyIDs("keys.json", in: folder, state: "active") == stagedIDs, "the oldest staged key")
            #expect(try keyIDs("keys.json", in: folder, state: "decrypt-only") == first)

            let second = try keyIDs("keys.json", in: folder, state: "staged")
            let byID = try actiongate(["keys", "promote", second[0], "--keyring", "keys.json"], in: folder)
            #expect(byID.status == 0)
            #expect(try keyIDs("keys.json", in: folder, state: "active") == second)

            let rotated = try actiongate(["keys", "rotate", "--keyring", "keys.json"], in: folder)
            #expect(rotated.status == 0)
            #expect(rotated.stdout.contains("keys stage` → copy the keyring to every replica → `keys promote ID`"))
            #expect(try keyIDs("keys.json", in: folder, state: "decrypt-only").count == 3)
            #expect(!(try keyIDs("keys.json", in: folder, state: "active")).contains(second[0]))
        }
    }

    @Test func promoteRefusals() throws {
        try withTemporaryFolder { folder in
            _ = try actiongate(["keys", "init", "--keyring", "keys.json"], in: folder)
            let active = try keyIDs("keys.json", in: folder, state: "active")[0]
            let cases: [([String], Int32, String)] = [
                (["keys", "promote"], 1, "no staged key"),
                (["keys", "promote", active], 1, "is active, not staged"),
                (["keys", "promote", "00c0ffee"], 1, "no key with id 00c0ffee"),
                (["keys", "promote", "not-an-id"], 2, "not a key id"),
            ]
            for (arguments, status, message) in cases {
                let result = try actiongate(arguments + ["--keyring", "keys.json"], in: folder)
                #expect(result.status == status, "\(arguments)")
                #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            }
        }
    }

    @Test func retireAndPruneOnlyRemoveDecryptOnlyKeysPastTheGuardUnlessForced() throws {
        try withTemporaryFolder { folder in
            _ = try actiongate(["keys", "init", "--keyring", "keys.json"], in: folder)
            _ = try actiongate(["keys", "rotate", "--keyring", "keys.json"], in: folder)
            _ = try actiongate(["keys", "rotate", "--keyring", "keys.json"], in: folder)
            _ = try actiongate(["keys", "stage", "--keyring", "keys.json"], in: folder)
            let active = try keyIDs("keys.json", in: folder, state: "active")[0]
            let staged = try keyIDs("keys.json", in: folder, state: "staged")[0]
            let demoted = try keyIDs("keys.json", in: folder, state: "decrypt-only")
            let cases: [([String], Int32, String)] = [
                (["retire", active, "--force"], 1, "only decrypt-only keys can be retired, even with --force"),
                (["retire", staged, "--force"], 1, "is staged; only decrypt-only keys"),
                (["retire", "00c0ffee"], 1, "no key with id 00c0ffee"),
                (["retire", demoted[0]], 1, "demoted too recently"),
                (["prune", "--older-than", "0s"], 1, "demoted too recently"),
                (["prune", "--older-than", "7x"], 2, "--older-than: expected a duration"),
                (["prune", "--older-than", "1d"], 0, "nothing to prune"),
                (["retire", demoted[0], "--force"], 0, "retired key \(demoted[0])"),
                (["prune", "--older-than", "0s", "--force"], 0, "pruned 1 key: \(demoted[1])"),
            ]
            for (arguments, status, message) in cases {
                let result = try actiongate(["keys"] + arguments + ["--keyring", "keys.json"], in: folder)
                #expect(result.status == status, "\(arguments): \(result.stderr)")
                #expect(
                    (result.stdout + result.stderr).contains(message), "\(arguments): \(result.stdout)\(result.stderr)")
                // Without a configuration the guard's lifetimes are assumed, and it says so.
                let guarded =
                    status != 2 && !arguments.contains("--force")
                    && arguments.contains { $0 == "retire" || $0 == "prune" }
                #expect(
                    result.stderr.contains("no configuration found") == guarded
                        && (!guarded || result.stderr.contains("7d + 1m clock skew")),
                    "\(arguments): \(result.stderr)")
            }
            let remaining = try listedKeys("keys.json", in: folder).compactMap { $0["id"] as? String }
            #expect(Set(remaining) == [active, staged])
        }
    }

    @Test func theKeyringIsFoundByOptionThenEnvironmentThenConfiguration() throws {
        try withTemporaryFolder { folder in
            try writeConfig(in: folder)
            #expect(try actiongate(["keys", "init"], in: folder).status == 0, "config.yaml's keyring: keys.json")
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("keys.json").path))

            let env = try actiongate(["keys", "init"], in: folder, environment: ["ACTIONGATE_KEYRING": "env.json"])
            #expect(env.status == 0)
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("env.json").path))

            let option = try actiongate(
                ["keys", "init", "--keyring", "option.json"], in: folder,
                environment: ["ACTIONGATE_KEYRING": "env.json"])
            #expect(option.status == 0)
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("option.json").path))

            try FileManager.default.createDirectory(
                at: folder.appendingPathComponent("sub"), withIntermediateDirectories: false)
            try writeConfig(in: folder.appendingPathComponent("sub"), name: "other.yaml")
            let viaEnvConfig = try actiongate(
                ["keys", "list"], in: folder, environment: ["ACTIONGATE_CONFIG": "sub/other.yaml"])
            #expect(viaEnvConfig.status == 2, "sub/keys.json does not exist")
            #expect(viaEnvConfig.stderr.contains("sub/keys.json: no keyring there"))

            try FileManager.default.removeItem(at: folder.appendingPathComponent("config.yaml"))
            let nothing = try actiongate(["keys", "list"], in: folder)
            #expect(nothing.status == 2)
            #expect(nothing.stderr.contains("pass --keyring PATH, set ACTIONGATE_KEYRING, or set `keyring:`"))
        }
    }

    @Test func theRetirementGuardComesFromTheConfiguration() throws {
        try withTemporaryFolder { folder in
            try writeConfig(in: folder, extra: "session: { max_age: 2d, clock_skew: 30s }\nbound_args: { max_ttl: 3d }")
            _ = try actiongate(["keys", "init"], in: folder)
            _ = try actiongate(["keys", "rotate"], in: folder)
            let list = try actiongate(["keys", "list"], in: folder)
            #expect(list.stdout.contains("3d + 30s clock skew, from config.yaml"), "\(list.stdout)")

            try Data("session: [".utf8).write(to: folder.appendingPathComponent("broken.yaml"))
            let demoted = try keyIDs("keys.json", in: folder, state: "decrypt-only")[0]
            let refused = try actiongate(
                ["keys", "retire", demoted, "--config", "broken.yaml", "--keyring", "keys.json"], in: folder)
            #expect(refused.status == 2, "the guard needs the lifetimes")
            #expect(refused.stderr.contains("broken.yaml:"))
            let listed = try actiongate(
                ["keys", "list", "--config", "broken.yaml", "--keyring", "keys.json"], in: folder)
            #expect(listed.status == 0)
            #expect(listed.stderr.contains("using default token lifetimes"))
        }
    }

    @Test func aKeyringOthersCanReadOrABrokenOneIsRefused() throws {
        try withTemporaryFolder { folder in
            _ = try actiongate(["keys", "init", "--keyring", "keys.json"], in: folder)
            let path = folder.appendingPathComponent("keys.json").path
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
            let open = try actiongate(["keys", "list", "--keyring", "keys.json"], in: folder)
            #expect(open.status == 1)
            #expect(open.stderr.contains("chmod 600 keys.json"))

            try Data("{\n  \"format\": \"actiongate-keyring-v1\",\n  \"keys\": []\n}\n".utf8).write(
                to: URL(fileURLWithPath: path))
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
            let broken = try actiongate(["keys", "stage", "--keyring", "keys.json"], in: folder)
            #expect(broken.status == 1)
            #expect(broken.stderr.contains("keys.json:3: keys: no active key"))
        }
    }
}
