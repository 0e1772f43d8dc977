import ActionGateCrypto
import ActionGateTestSupport
import Foundation
import Testing

/// `actiongate serve` as an operator runs it: a real process, real files, a real upstream.
@Suite(.serialized) struct ServeCommandTests {
    @Test func aMissingConfigurationIsAUsageError() throws {
        try withTemporaryFolder { folder in
            let result = try ActionGateProcess.run([
                "serve", "--config", folder.appendingPathComponent("none.yaml").path,
            ])
            #expect(result.status == 2)
            #expect(result.stderr.contains("no configuration at"))
        }
    }

    @Test func anInvalidConfigurationStartsNothingAndNamesTheLine() throws {
        try withTemporaryFolder { folder in
            let path = folder.appendingPathComponent("config.yaml").path
            try "public_origins: [https://app.example.com]\nroutes: 7\n".write(
                toFile: path, atomically: false, encoding: .utf8)
            let result = try ActionGateProcess.run(["serve", "--config", path])
            #expect(result.status == 1)
            #expect(result.stderr.contains("config.yaml:2"))
        }
    }

    @Test func sigtermLetsAnInFlightRequestFinish() throws {
        try withTemporaryFolder { folder in
            // A page render the upstream answers after 1.5 s.
            let (upstream, gateway, client) = try Self.servingWithClient(in: folder, path: "/slow")
            defer { for process in [client, gateway, upstream] { process.stop() } }
            _ = try upstream.readLine(containing: "received /slow")
            gateway.child.send(SIGTERM)
            let answer = try client.readLine(containing: "status ")
            #expect(answer == "status 200 body slow")
            #expect(gateway.child.wait() == 0)
        }
    }

    /// SIGTERM starts a graceful shutdown and says so; a second one (an operator who will not wait
    /// the 30 s grace period for a stuck upstream) closes what is left at once.
    @Test func aSecondSIGTERMEndsTheGracePeriod() throws {
        try withTemporaryFolder { folder in
            let (upstream, gateway, client) = try Self.servingWithClient(in: folder, path: "/slower")
            defer { for process in [client, gateway, upstream] { process.stop() } }
            _ = try upstream.readLine(containing: "received /slower")
            gateway.child.send(SIGTERM)
            let shuttingDown = try gateway.readLine(containing: "shutting down")
            #expect(shuttingDown.contains("\"connections\":\"1\""), "\(shuttingDown)")
            usleep(300_000)
            #expect(gateway.child.isRunning, "the grace period is 30 s")
            let second = Date()
            gateway.child.send(SIGTERM)
            #expect(gateway.child.wait() == 0)
            #expect(Date().timeIntervalSince(second) < 10, "the upstream answers after 20 s; the gateway did not wait")
            #expect(gateway.child.stderr.contains("shutdown hurried"), "\(gateway.child.stderr)")
            #expect(try client.readLine(containing: "status ").hasPrefix("status failed"))
        }
    }

    /// `serve` in `folder` with the Python upstream, and a client that has asked for `path`.
    static func servingWithClient(
        in folder: URL, path: String
    ) throws -> (upstream: LongRunning, gateway: LongRunning, client: LongRunning) {
        let (upstream, config) = try prepare(in: folder)
        var gateway: LongRunning?
        do {
            let started = try LongRunning(
                ActionGateProcess.executable.path, ["serve", "--config", config], directory: folder, readStderr: true)
            gateway = started
            let port = try servingPort(started)
            let client = try LongRunning(
                "/usr/bin/env", ["python3", "-u", "-c", Self.client(port: port, path: path)], directory: folder)
            return (upstream, started, client)
        } catch {
            gateway?.stop()
            upstream.stop()
            throw error
        }
    }

    /// Starts the Python upstream, creates a keyring and writes a configuration for both (client
    /// listener on `listen`, admin on a free port); returns the upstream and the configuration's path.
    static func prepare(in folder: URL, listen: String = "127.0.0.1:0") throws -> (LongRunning, String) {
        let upstream = try LongRunning("/usr/bin/env", ["python3", "-u", "-c", Self.slowUpstream], directory: folder)
        do {
            let upstreamPort = try #require(
                Int(try upstream.readLine(containing: "port ").split(separator: " ").last ?? ""))
            #expect(
                try ActionGateProcess.run([
                    "keys", "init", "--keyring", folder.appendingPathComponent("keys.json").path,
                ]).status == 0)
            let config = folder.appendingPathComponent("config.yaml").path
            try """
            listen: \(listen)
            admin: { listen: 127.0.0.1:0 }
            public_origins: [http://app.test]
            keyring: ./keys.json
            upstreams: { app: { url: "http://127.0.0.1:\(upstreamPort)" } }
            routes: [ { path_prefix: /, upstream: app, mode: actions } ]
            session: { cookie: ag, secure: false }
            actions: { default_policy: public, list: [ { id: login, path: /actions/login } ] }
            policies: { public: { allow: [ { anyone: true } ] } }
            """.write(toFile: config, atomically: false, encoding: .utf8)
            return (upstream, config)
        } catch {
            upstream.stop()
            throw error
        }
    }

    /// The client port from the `serving` line of the operational log (JSON on stderr:
    /// {"message":"serving",…,"listen":"127.0.0.1:PORT",…}).
    static func servingPort(_ gateway: LongRunning) throws -> Int {
        let banner = try gateway.readLine(containing: "\"serving\"")
        let listen = try #require(banner.range(of: "\"listen\":\"127.0.0.1:"))
        return try #require(Int(banner[listen.upperBound...].prefix { $0.isNumber }))
    }

    /// The deployments the docs describe run `serve` as a service user, or as root with every
    /// capability dropped: the data plane must need no privilege (a socket option that asks for
    /// `CAP_NET_ADMIN` once made every accepted connection close unanswered while `/readyz` said
    /// ready). As root the gateway runs here with every capability dropped; otherwise as it is.
    @Test func servesWithoutAnyPrivilege() throws {
        try withTemporaryFolder { folder in
            let (upstream, config) = try Self.prepare(in: folder)
            defer { upstream.stop() }
            let unprivileged = Self.withoutPrivilege([ActionGateProcess.executable.path, "serve", "--config", config])
            let gateway = try LongRunning(
                unprivileged[0], Array(unprivileged.dropFirst()), directory: folder, readStderr: true)
            defer { gateway.stop() }
            let port = try Self.servingPort(gateway)
            let client = try LongRunning(
                "/usr/bin/env", ["python3", "-u", "-c", Self.client(port: port, path: "/fast")], directory: folder)
            defer { client.stop() }
            #expect(try client.readLine(containing: "status ") == "status 200 body fast")
        }
    }

    /// `command` as the docs' deployments run it: as root, with every capability dropped (so file
    /// permissions hold for it too); otherwise as it is.
    static func withoutPrivilege(_ command: [String]) -> [String] {
        guard geteuid() == 0 else { return command }
        return ["/usr/bin/setpriv", "--no-new-privs", "--inh-caps=-all", "--ambient-caps=-all", "--bounding-set=-all"]
            + command
    }

    /// A configuration the gateway's user cannot read is exit 2 with the reason, as for `config check`
    /// (it was "the configuration is not valid", exit 1).
    @Test func anUnreadableConfigurationIsExitTwoWithTheReason() throws {
        try withTemporaryFolder { folder in
            let config = folder.appendingPathComponent("config.yaml").path
            try "listen: 127.0.0.1:0\n".write(toFile: config, atomically: false, encoding: .utf8)
            chmod(config, 0)
            let command = Self.withoutPrivilege([ActionGateProcess.executable.path, "serve", "--config", config])
            let result = try ChildProcess.run(
                command[0], Array(command.dropFirst()), environment: ActionGateProcess.environment())
            #expect(result.status == 2, "\(result.stderr)")
            #expect(result.stderr.contains("\(config): "), "\(result.stderr)")
            #expect(!result.stderr.contains("not valid"), "\(result.stderr)")
        }
    }

    /// A SIGHUP while the gateway is still starting (a `systemctl reload` or logrotate's postrotate
    /// just after a restart) must not end it: SIGHUP is ignored before anything is read, not only
    /// once the reloader exists. The audit log is a FIFO here, so the gateway waits in opening it
    /// (for a reader) for as long as the test likes.
    @Test func aSIGHUPWhileStartingDoesNotEndTheGateway() throws {
        try withTemporaryFolder { folder in
            let (upstream, config) = try Self.prepare(in: folder)
            defer { upstream.stop() }
            let fifo = folder.appendingPathComponent("audit.fifo").path
            #expect(mkfifo(fifo, 0o600) == 0)
            try (String(contentsOfFile: config, encoding: .utf8) + "\nlog: { audit: ./audit.fifo }\n")
                .write(toFile: config, atomically: false, encoding: .utf8)
            let gateway = try LongRunning(
                ActionGateProcess.executable.path, ["serve", "--config", config], directory: folder, readStderr: true)
            defer { gateway.stop() }
            // It waits to open the audit FIFO; SIGHUP must be ignored by then.
            let deadline = Date().addingTimeInterval(5)
            while !Self.ignoresSIGHUP(gateway.child.pid), Date() < deadline { usleep(10_000) }
            usleep(100_000)
            gateway.child.send(SIGHUP)
            usleep(300_000)
            #expect(gateway.child.isRunning, "SIGHUP ended the gateway while it was starting: \(gateway.child.stderr)")
            guard gateway.child.isRunning else { return }
            // A reader lets the gateway go on; it serves.
            let reader = open(fifo, O_RDONLY | O_NONBLOCK)
            #expect(reader >= 0)
            defer { close(reader) }
            _ = try Self.servingPort(gateway)
        }
    }

    /// Whether `pid` ignores SIGHUP (bit 1 of `SigIgn` in /proc/PID/status).
    static func ignoresSIGHUP(_ pid: pid_t) -> Bool {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("SigIgn:") }),
            let mask = UInt64(line.dropFirst("SigIgn:".count).trimmingCharacters(in: .whitespaces), radix: 16)
        else { return false }
        return mask & (1 << (UInt64(SIGHUP) - 1)) != 0
    }

    /// An admin token file the gateway's user cannot read: the system's reason and the fix, not
    /// "create it" (the file exists).
    @Test func anUnreadableAdminTokenSaysWhy() throws {
        try withTemporaryFolder { folder in
            let (upstream, config) = try Self.prepare(in: folder, listen: "127.0.0.1:0")
            defer { upstream.stop() }
            let token = folder.appendingPathComponent("admin.token").path
            try "0123456789abcdef0123456789abcdef\n".write(toFile: token, atomically: false, encoding: .utf8)
            chmod(token, 0)
            try String(contentsOfFile: config, encoding: .utf8)
                .replacingOccurrences(
                    of: "admin: { listen: 127.0.0.1:0 }",
                    with: "admin: { listen: 127.0.0.1:0, token_file: ./admin.token }"
                )
                .write(toFile: config, atomically: false, encoding: .utf8)
            let command = Self.withoutPrivilege([ActionGateProcess.executable.path, "config", "check", config])
            let result = try ChildProcess.run(
                command[0], Array(command.dropFirst()), environment: ActionGateProcess.environment(),
                directory: folder.path)
            #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
            #expect(
                result.stderr.contains("admin.token: cannot read admin.token_file (Permission denied); `chmod 600"),
                "\(result.stderr)")
        }
    }

    /// A port another process holds: the error names the address, the setting and what to do.
    @Test func aPortInUseIsNamedWithTheSetting() throws {
        try withTemporaryFolder { folder in
            let holder = try LongRunning(
                "/usr/bin/env",
                [
                    "python3", "-u", "-c",
                    "import socket, time\ns = socket.socket()\ns.bind(('127.0.0.1', 0))\ns.listen()\n"
                        + "print('port %d' % s.getsockname()[1], flush=True)\ntime.sleep(60)",
                ], directory: folder)
            defer { holder.stop() }
            let port = try #require(Int(try holder.readLine(containing: "port ").split(separator: " ").last ?? ""))
            let (upstream, config) = try Self.prepare(in: folder, listen: "127.0.0.1:\(port)")
            defer { upstream.stop() }
            let result = try ActionGateProcess.run(["serve", "--config", config])
            #expect(result.status == 2)
            #expect(
                result.stderr.contains(
                    "cannot listen on 127.0.0.1:\(port) (listen): Address already in use; another process"),
                "\(result.stderr)")
        }
    }

    static let slowUpstream = """
        import http.server, time, sys
        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def do_GET(self):
                print("received " + self.path, flush=True)
                if self.path == "/slow":
                    time.sleep(1.5)
                if self.path == "/slower":
                    time.sleep(20)
                body = self.path[1:].encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *a): pass
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        print("port %d" % server.server_address[1], flush=True)
        server.serve_forever()
        """

    static func client(port: Int, path: String = "/slow") -> String {
        """
        import http.client
        c = http.client.HTTPConnection("127.0.0.1", \(port), timeout=10)
        try:
            c.request("GET", "\(path)", headers={"Host": "app.test"})
            r = c.getresponse()
            print("status %d body %s" % (r.status, r.read().decode()), flush=True)
        except Exception as e:
            print("status failed: %r" % e, flush=True)
        """
    }
}

/// A child process that keeps running while the test talks to it; its output is read line by line.
final class LongRunning {
    let child: ChildProcess
    private let readsStderr: Bool
    /// Lines of the watched output already handed out (or passed over) by `readLine`.
    private var consumed = 0

    init(_ executable: String, _ arguments: [String], directory: URL, readStderr: Bool = false) throws {
        child = try ChildProcess(
            executable, arguments, environment: ActionGateProcess.environment(), directory: directory.path)
        readsStderr = readStderr
    }

    /// The next output line containing `text`, waiting at most `timeout` (the child must print it).
    func readLine(containing text: String, timeout: TimeInterval = 20) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let exited = !child.isRunning
            let output = readsStderr ? child.stderr : child.stdout
            // Complete lines only: the last one may still be being written.
            let lines = output.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            while consumed < lines.count {
                let line = lines[consumed]
                consumed += 1
                if line.contains(text) { return String(line) }
            }
            guard !exited, Date() < deadline else {
                throw ScriptTimeout(description: "no line containing \"\(text)\"")
            }
            usleep(10_000)
        }
    }

    /// Kills the child (SIGKILL) and reaps it.
    func stop() {
        child.kill()
    }
}

struct ScriptTimeout: Error, CustomStringConvertible {
    let description: String
}
