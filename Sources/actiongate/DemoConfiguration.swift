/// The demo's `config.yaml`: the same file an operator writes for `actiongate serve`, pointed at the
/// sample app. It is written to the demo's temporary folder, so `cat` it to learn the format.
struct DemoConfiguration: Sendable, Equatable {
    /// The gateway's port on 127.0.0.1 (the public origins use it).
    var gatewayPort: Int
    /// The sample app's port on 127.0.0.1.
    var appPort: Int

    /// The public origins: both names a browser on this machine may use.
    var publicOrigins: [String] {
        ["http://127.0.0.1:\(gatewayPort)", "http://localhost:\(gatewayPort)"]
    }

    var yaml: String {
        """
        # Written by `actiongate demo`; removed when the demo stops. See docs/configuration.md.
        listen: 127.0.0.1:\(gatewayPort)
        admin: { listen: 127.0.0.1:0, token_file: ./admin.token }   # /v1/seal needs this bearer token
        public_origins: [\(publicOrigins.joined(separator: ", "))]
        keyring: ./keys.json
        upstreams:
          app: { url: "http://127.0.0.1:\(appPort)", connect_timeout: 2s, timeout: 10s }
        routes:
          - { path_prefix: /, upstream: app, mode: actions }
        # Plain http on loopback: a cookie name without the __Host- prefix (that prefix needs https).
        session: { cookie: actiongate-demo, secure: false, ttl: 1h, refresh_after: 10m, max_age: 1d }
        bound_args: { max_ttl: 1h, max_size: 1KiB }
        actions:
          unknown: reject
          default_policy: signed-in
          list:
            - { id: signIn, path: /actions/signIn, policy: public, issues_session: true, max_body: 4KiB }
            - { id: signOut, path: /actions/signOut, policy: public, issues_session: true, max_body: 4KiB }
            - { id: createNote, path: /actions/createNote, max_body: 8KiB }
            - { id: deleteNote, path: /actions/deleteNote, bound_args: required, max_body: 4KiB }
            - { id: clearNotes, path: /actions/clearNotes, policy: admins, max_body: 4KiB }
        policies:
          public: { allow: [ { anyone: true } ] }
          signed-in: { allow: [ { authenticated: true } ] }
          admins: { allow: [ { claims: { roles: admin } } ] }

        """
    }
}
