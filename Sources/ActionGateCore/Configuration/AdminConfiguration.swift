/// `admin:` — the admin listener (health, readiness, metrics, `POST /v1/seal`).
public struct AdminConfiguration: Sendable, Equatable {
    /// The default admin listener, loopback only.
    public static let defaultListen = ListenAddress(host: "127.0.0.1", port: 9090)

    /// `admin.listen`, default `127.0.0.1:9090`.
    public let listen: ListenAddress
    /// `admin.token_file`: absolute path of the bearer token file; `nil` turns `/v1/seal` off.
    public let tokenFile: String?

    /// The admin settings.
    public init(listen: ListenAddress = AdminConfiguration.defaultListen, tokenFile: String? = nil) {
        self.listen = listen
        self.tokenFile = tokenFile
    }
}
