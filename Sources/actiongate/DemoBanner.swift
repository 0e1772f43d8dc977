import ServiceLifecycle

/// What `actiongate demo` prints once everything listens: where to point a browser and what to try.
///
/// The first line naming `http://127.0.0.1:<port>/` is the gateway's URL; tests and scripts read it.
/// It runs as a service of the demo's `ServiceGroup`, which traps SIGINT and SIGTERM before it starts
/// any service: whoever has seen the URL can press Ctrl-C and get a clean stop.
struct DemoBanner: Service {
    var gatewayPort: Int
    var appPort: Int
    var adminPort: Int
    var workspace: DemoWorkspace

    var text: String {
        let url = "http://127.0.0.1:\(gatewayPort)"
        let admin = "http://127.0.0.1:\(adminPort)"
        let origin = "-H 'Origin: \(url)'"
        return """
            ActionGate demo

              Open \(url)/ in a browser (or http://localhost:\(gatewayPort)/).

              gateway  \(url)   the only way in: every request below goes through it
              app      http://127.0.0.1:\(appPort)   the sample notes app (naive on purpose; never expose one)
              admin    \(admin)   /healthz, /readyz, POST /v1/seal (bearer token)
              files    \(workspace.folder.path)   config.yaml, keys.json, admin.token (removed on exit)

            In the browser: sign in, add a note, delete it, then "Delete all notes" (sign in as admin for that).

            From another terminal:
              curl -i -X POST -H 'Origin: https://evil.example' \(url)/actions/createNote -d text=hi
                  → 403 origin_rejected (cross-site form post)
              curl -i -X POST \(origin) \(url)/actions/createNote -d text=hi
                  → 401 unauthenticated (no session cookie)
              curl -i -X POST \(origin) -H 'Next-Action: dropTables' \(url)/
                  → 404 unknown_action (never reaches the app)
              curl -i -X POST \(origin) -H 'X-ActionGate-Subject: admin' \(url)/actions/clearNotes
                  → 401 unauthenticated (identity headers from clients are stripped)
              curl -s -H "Authorization: Bearer $(cat \(workspace.adminTokenPath))" \\
                  -d '{"action":"deleteNote","args":{"note":1},"ttl":"10m"}' \(admin)/v1/seal
                  → a sealed token, as the app gets one for each delete button

            Decisions, one line per request (Ctrl-C stops the demo):
            """
    }

    /// Prints the banner, then stays until graceful shutdown (a service that returns ends the group).
    func run() async throws {
        StandardStreams.out(text)
        try? await gracefulShutdown()
    }
}
