import ActionGateServer
import ActionGateTestSupport
import Foundation
import Testing

/// `serve` under an open-file limit below what `limits.max_connections` needs: it says so, keeps
/// client connections within the limit (503 `overloaded` beyond, as documented), stays idle and
/// keeps its admin listener answering — where it once spun both cores on a failing `accept` and
/// answered nothing until connections closed.
@Suite struct OpenFileLimitTests {
    @Test func theBudgetFitsClientConnectionsInTheLimit() {
        var settings = ServerSettings()
        settings.upstreams = ["app": UpstreamSettings(host: "127.0.0.1", port: 1, maxConnections: 100)]
        settings.limits.maxConnections = 1000
        // 1000 + 100 upstream + 128 admin + 64 fixed + 3 per event loop = 1298 fit in 4096.
        let roomy = OpenFileBudget(settings: settings, limit: 4096, eventLoops: 2)
        #expect(roomy.clientConnections == 1000 && roomy.warning == nil)
        #expect(roomy.reserve == 100 + 128 + OpenFileBudget.fixedReserve + 2 * OpenFileBudget.perEventLoop)
        // In 1024: 1024 - 298 = 726 client connections, and a warning with the numbers and the fix.
        let tight = OpenFileBudget(settings: settings, limit: 1024, eventLoops: 2)
        #expect(tight.clientConnections == 726)
        let warning = tight.warning ?? ""
        #expect(warning.contains("the process may open 1024 files"), "\(warning)")
        #expect(warning.contains("limits.max_connections 1000 plus 298"), "\(warning)")
        #expect(warning.contains("serving at most 726 client connections"), "\(warning)")
        #expect(warning.contains("LimitNOFILE=1298"), "\(warning)")
        // Event loops hold descriptors too: 64 cores set 192 aside.
        #expect(OpenFileBudget(settings: settings, limit: 1024, eventLoops: 64).clientConnections == 540)
        // A limit below the reserve still leaves half of it to clients.
        #expect(OpenFileBudget(settings: settings, limit: 128, eventLoops: 2).clientConnections == 64)
        // Without an admin listener its connections are not set aside.
        settings.admin = nil
        #expect(OpenFileBudget(settings: settings, limit: 1024, eventLoops: 2).clientConnections == 854)
    }

    @Test func raisingTheProcessLimitReportsASoftLimit() throws {
        let limit = try #require(OpenFileBudget.raiseProcessLimit())
        #expect(limit >= 64)
    }

    @Test func underALowLimitTheGatewayStaysIdleAndAnswers() throws {
        try withTemporaryFolder { folder in
            let (upstream, config) = try ServeCommandTests.prepare(in: folder)
            defer { upstream.stop() }
            // The soft and the hard limit 128 (so raising the soft limit cannot lift it).
            let gateway = try LongRunning(
                "/usr/bin/env",
                [
                    "python3", "-c",
                    "import resource, os, sys\nresource.setrlimit(resource.RLIMIT_NOFILE, (128, 128))\n"
                        + "os.execv(sys.argv[1], sys.argv[1:])",
                    ActionGateProcess.executable.path, "serve", "--config", config,
                ], directory: folder, readStderr: true)
            defer { gateway.stop() }
            let banner = try gateway.readLine(containing: "\"serving\"")
            let port = try #require(Self.port(after: "\"listen\":\"127.0.0.1:", in: banner))
            let admin = try #require(Self.port(after: "\"admin\":\"127.0.0.1:", in: banner))
            let client = try LongRunning(
                "/usr/bin/env",
                [
                    "python3", "-u", "-c", Self.flood, "\(gateway.child.pid)", "\(port)", "\(admin)",
                ], directory: folder)
            defer { client.stop() }
            let opened = try client.readLine(containing: "opened ")
            #expect(opened == "opened 300", "\(opened)")
            let cpu = try #require(Double(try client.readLine(containing: "cpu ").dropFirst(4)))
            // Idle connections cost nothing; a spinning accept loop used the whole 2 s.
            #expect(cpu < 0.5, "the gateway used \(cpu) s of CPU in 2 s with 300 idle connections")
            #expect(try client.readLine(containing: "healthz ") == "healthz 200")
            let beyond = try client.readLine(containing: "beyond ")
            #expect(beyond.hasPrefix("beyond 503") && beyond.contains("overloaded"), "\(beyond)")
            // Then 100 admin connections on top of the 64 clients: past the limit for real, so
            // `accept` fails (the admin listener's connections are counted in the budget, but
            // all 128 of them cannot fit in 128 files). The listeners pause instead of spinning.
            let exhausted = try #require(Double(try client.readLine(containing: "cpu2 ").dropFirst(5)))
            #expect(exhausted < 0.5, "the gateway used \(exhausted) s of CPU in 2 s out of file descriptors")
            #expect(try client.readLine(containing: "after ") == "after 200 fast")
            #expect(gateway.child.stderr.contains("the process is out of file descriptors"))
            // Said before `serving`: how many files, what is served, and the fix.
            let log = gateway.child.stderr
            #expect(log.contains("the process may open 128 files"), "\(log)")
            #expect(log.contains("serving at most 64 client connections"), "\(log)")
        }
    }

    static func port(after marker: String, in line: String) -> Int? {
        guard let range = line.range(of: marker) else { return nil }
        return Int(line[range.upperBound...].prefix { $0.isNumber })
    }

    /// Opens 300 idle connections, measures the gateway's CPU over 2 s, asks the admin listener and
    /// the client listener, closes the 300 and asks again.
    static let flood = """
        import http.client, os, socket, sys, time
        pid, port, admin = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
        def cpu():
            fields = open('/proc/%d/stat' % pid).read().rsplit(')', 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')
        def ask(host_port, path):
            try:
                c = http.client.HTTPConnection('127.0.0.1', host_port, timeout=5)
                c.request('GET', path, headers={'Host': 'app.test'})
                r = c.getresponse()
                return '%d %s' % (r.status, r.read().decode(errors='replace'))
            except Exception as e:
                return 'failed %r' % e
        held = []
        for _ in range(300):
            s = socket.socket()
            s.settimeout(5)
            try:
                s.connect(('127.0.0.1', port))
            except Exception as e:
                print('connect failed %r' % e, flush=True)
                break
            held.append(s)
        print('opened %d' % len(held), flush=True)
        time.sleep(0.5)
        before = cpu()
        time.sleep(2)
        print('cpu %.2f' % (cpu() - before), flush=True)
        print('healthz ' + ask(admin, '/healthz').split(' ')[0], flush=True)
        print('beyond ' + ask(port, '/fast'), flush=True)
        for _ in range(100):
            s = socket.socket()
            s.settimeout(5)
            try:
                s.connect(('127.0.0.1', admin))
            except Exception:
                break
            held.append(s)
        time.sleep(0.5)
        before = cpu()
        time.sleep(2)
        print('cpu2 %.2f' % (cpu() - before), flush=True)
        for s in held:
            s.close()
        time.sleep(0.5)
        print('after ' + ask(port, '/fast'), flush=True)
        """
}
