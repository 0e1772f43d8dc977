import ActionGateTestSupport
import Foundation
import Testing

/// Runs the real `actiongate` executable built next to the test bundle, as an operator would.
struct ActionGateProcess {
    typealias Result = ChildProcess.Completed

    /// The `actiongate` binary SwiftPM built beside the test bundle.
    static var executable: URL {
        let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var folder = testBinary.deletingLastPathComponent()
        // On Linux the bundle is a plain executable; elsewhere it is a folder inside the build folder.
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("actiongate").path),
            folder.path != "/"
        {
            folder = folder.deletingLastPathComponent()
        }
        return folder.appendingPathComponent("actiongate")
    }

    /// Runs `actiongate args…` to completion and returns its exit status and output.
    ///
    /// - Parameters:
    ///   - environment: variables added to (or, with `nil` values, removed from) the inherited ones.
    ///     `ACTIONGATE_CONFIG` and `ACTIONGATE_KEYRING` are always removed unless given here.
    ///   - directory: the working directory; defaults to the current one.
    static func run(
        _ arguments: [String],
        environment: [String: String?] = [:],
        directory: URL? = nil,
        stdin: String? = nil
    ) throws -> Result {
        try ChildProcess.run(
            executable.path, arguments, environment: Self.environment(environment), directory: directory?.path,
            stdin: stdin)
    }

    /// The inherited environment without `ACTIONGATE_CONFIG`/`ACTIONGATE_KEYRING`, then `changes`.
    static func environment(_ changes: [String: String?] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["ACTIONGATE_CONFIG"] = nil
        environment["ACTIONGATE_KEYRING"] = nil
        for (key, value) in changes { environment[key] = value }
        return environment
    }
}

/// A fresh temporary folder, removed when the value is dropped by `withTemporaryFolder`.
func withTemporaryFolder<T>(_ body: (URL) throws -> T) throws -> T {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("actiongate-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url)
}

@Test func theExecutableIsBuiltBesideTheTests() throws {
    let result = try ActionGateProcess.run(["--help"])
    #expect(result.status == 0)
    #expect(result.stdout.contains("actiongate"))
}

@Test func usageErrorsExitWithTwo() throws {
    let unknown = try ActionGateProcess.run(["--no-such-option"])
    #expect(unknown.status == 2)
    #expect(unknown.stderr.contains("Unknown option"))
    let missing = try ActionGateProcess.run(["keys", "retire"])
    #expect(missing.status == 2)
}
