/// The fuzz targets: one per parser that reads untrusted (or operator-written) bytes, plus the whole Gate.
///
/// One executable serves them all, so a single sanitizer build covers every target; the target is
/// chosen by `ACTIONGATE_FUZZ_TARGET` under libFuzzer and by the first argument in replay mode.
enum FuzzTarget: String, CaseIterable, Sendable {
    /// `Origin` values, `WebOrigin`, `OriginPattern`, allowed-origins files, `Host` checks.
    case origin
    /// `Cookie` header lines, `Set-Cookie` names and the session cookie builder.
    case cookie
    /// Sealed tokens: `SealedToken.open`, `Base64URL`, the JSON parser and serialiser.
    case token
    /// `multipart/form-data` and urlencoded bodies, `Content-Type`, `$ACTION_` markers.
    case multipart
    /// `config.yaml` through `ConfigurationLoader`, with fixed side files.
    case config
    /// The whole Gate: `evaluateHead`, `evaluateBody`, `rewriteResponse` on a decoded request.
    case gate
    /// Upstream responses through `ResponseDecoder` (heads, framing, chunked bodies).
    case response
    /// Client requests through `RequestDecoder` (request line, fields, framing checks, bodies).
    case request

    /// The environment variable that selects the target of a libFuzzer binary.
    static let environmentVariable = "ACTIONGATE_FUZZ_TARGET"

    /// Runs one input; throws when a checked property fails. Crashes are the other kind of finding.
    func run(_ input: [UInt8]) throws(PropertyViolation) {
        switch self {
        case .origin: try OriginFuzzer.run(input)
        case .cookie: try CookieFuzzer.run(input)
        case .token: try TokenFuzzer.run(input)
        case .multipart: try MultipartFuzzer.run(input)
        case .config: try ConfigFuzzer.run(input)
        case .gate: try GateFuzzer.run(input)
        case .response: try ResponseFuzzer.run(input)
        case .request: try RequestFuzzer.run(input)
        }
    }
}
