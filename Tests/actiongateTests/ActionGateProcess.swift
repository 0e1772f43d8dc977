import Foundation
import Testing

/// Runs the real `actiongate` executable built next to the test bundle, as an operator would.
struct ActionGateProcess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

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
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["ACTIONGATE_CONFIG"] = nil
        env["ACTIONGATE_KEYRING"] = nil
        for (key, value) in environment { env[key] = value }
        process.environment = env
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Read both pipes before waiting so a chatty child never blocks on a full pipe.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data()
        nonisolated(unsafe) var errData = Data()
        DispatchQueue.global().async(group: group) { outData = out.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { errData = err.fileHandleForReading.readDataToEndOfFile() }
        group.wait()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self)
        )
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
