import ActionGateTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `actiongate serve` as an operator runs it: audit lines on stdout, JSON operational logs on
/// stderr, `/metrics` on the admin listener, a clean exit on SIGTERM.
@Suite struct ObservabilityServeTests {
    static func config(audit: String) -> String {
        """
        listen: 127.0.0.1:0
        admin: { listen: 127.0.0.1:0 }
        public_origins: [https://app.example.com]
        keyring: ./keys.json
        log: { audit: \(audit), level: info }
        upstreams:
          app: { url: "http://127.0.0.1:1" }
        routes:
          - { path_prefix: /, upstream: app, mode: actions }
        actions:
          default_policy: public
          list:
            - { id: login, path: /actions/login }
        policies:
          public: { allow: [ { anyone: true } ] }
        """
    }

    @Test func serveWritesAuditLinesToStdoutAndJSONLogsToStderr() throws {
        try withTemporaryFolder { folder in
            let initialized = try ActionGateProcess.run(["keys", "init", "--keyring", "keys.json"], directory: folder)
            #expect(initialized.status == 0, "\(initialized.stderr)")
            try Self.config(audit: "stdout").write(
                to: folder.appendingPathComponent("config.yaml"), atomically: false, encoding: .utf8)
            let server = try RunningServe(folder: folder)
            defer { server.stop() }
            let serving = try #require(server.waitForLog { $0.contains(#""message":"serving""#) })
            let metadata = try #require(Self.object(serving)?["metadata"] as? [String: Any])
            let listen = try #require(Self.port(metadata["listen"]))
            let admin = try #require(Self.port(metadata["admin"]))

            let refused = try #require(
                RawHTTP.exchange(
                    port: listen,
                    "POST /actions/nope?token=s3cr3t HTTP/1.1\r\nHost: app.example.com\r\n"
                        + "Origin: https://app.example.com\r\nCookie: __Host-actiongate=c00kie\r\n"
                        + "Content-Length: 0\r\nConnection: close\r\n\r\n"))
            #expect(refused.hasPrefix("HTTP/1.1 404"))
            let unavailable = try #require(
                RawHTTP.exchange(
                    port: listen,
                    "POST /actions/login HTTP/1.1\r\nHost: app.example.com\r\nOrigin: https://app.example.com\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"))
            #expect(unavailable.hasPrefix("HTTP/1.1 502"))
            let metrics = try #require(
                RawHTTP.exchange(port: admin, "GET /metrics HTTP/1.1\r\nHost: admin\r\nConnection: close\r\n\r\n"))
            #expect(metrics.contains(#"actiongate_rejections_total{reason="unknown_action"} 1"#))
            #expect(metrics.contains(#"actiongate_upstream_errors_total{upstream="app",kind="unavailable"} 1"#))

            let audit = server.waitForAudit(lines: 2)
            #expect(audit.count == 2)
            let reasons = audit.compactMap { Self.object($0)?["reason"] as? String }
            #expect(Set(reasons) == ["unknown_action", "upstream_unavailable"])
            #expect(!audit.joined().contains("s3cr3t") && !audit.joined().contains("c00kie"))

            #expect(server.terminate() == 0)
            let logs = server.stderrLines
            #expect(!logs.isEmpty)
            for line in logs { #expect(Self.object(line) != nil, "not a JSON line: \(line)") }
            #expect(logs.contains { $0.contains(#""message":"stopped""#) })
        }
    }

    static func object(_ line: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
    }

    /// The port of `127.0.0.1:NNNN`.
    static func port(_ address: Any?) -> Int? {
        guard let text = address as? String, let colon = text.lastIndex(of: ":") else { return nil }
        return Int(text[text.index(after: colon)...])
    }
}

/// `actiongate serve` in the background, its output collected line by line.
final class RunningServe: Sendable {
    private let child: ChildProcess

    init(folder: URL) throws {
        child = try ChildProcess(
            ActionGateProcess.executable.path, ["serve", "--config", "config.yaml"],
            environment: ActionGateProcess.environment(), directory: folder.path)
    }

    var stdoutLines: [String] { Self.lines(child.stdout) }
    var stderrLines: [String] { Self.lines(child.stderr) }

    /// Polls (bounded, 10 s) for a stderr line matching `condition`.
    func waitForLog(_ condition: (String) -> Bool) -> String? {
        for _ in 0..<1000 {
            if let line = stderrLines.first(where: condition) { return line }
            guard child.isRunning else { return stderrLines.first(where: condition) }
            usleep(10_000)
        }
        return nil
    }

    /// Polls (bounded, 10 s) until stdout holds `lines` lines.
    func waitForAudit(lines: Int) -> [String] {
        for _ in 0..<1000 where stdoutLines.count < lines {
            usleep(10_000)
        }
        return stdoutLines
    }

    /// SIGTERM, then waits (bounded) for the exit and the end of its output; the exit status.
    func terminate() -> Int32 {
        child.send(SIGTERM)
        for _ in 0..<1000 where child.isRunning { usleep(10_000) }
        child.send(SIGKILL)
        return child.waitForCompletion().status
    }

    /// Kills a server a failed test left running.
    func stop() {
        child.kill()
    }

    private static func lines(_ text: String) -> [String] {
        text.split(separator: "\n").map(String.init)
    }
}

/// One HTTP exchange over a plain socket to 127.0.0.1 (`Connection: close`): the raw response.
enum RawHTTP {
    static func exchange(port: Int, _ request: String) -> String? {
        guard let socket = try? LoopbackSocket(port: port, receiveTimeout: 5) else { return nil }
        defer { socket.close() }
        guard (try? socket.send(request)) != nil, let response = try? socket.readToEnd() else { return nil }
        return String(decoding: response, as: UTF8.self)
    }
}
