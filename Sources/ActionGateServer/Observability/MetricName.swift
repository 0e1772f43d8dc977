import Prometheus

/// The name, unit suffix and help text of one metric family (docs/operations.md lists them all).
///
/// swift-prometheus traps when one name is registered with two help texts or two types, so every
/// family is defined once, here.
struct MetricName: Sendable {
    var name: String
    var unit: String
    var help: String

    var descriptor: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "actiongate", metricName: name, unitName: unit, helpText: help)
    }

    static let requests = MetricName(
        name: "requests", unit: "total", help: "Requests answered, by route path_prefix, action id and status.")
    static let rejections = MetricName(
        name: "rejections", unit: "total", help: "Requests refused, by reason code.")
    static let shadowDenials = MetricName(
        name: "shadow_denials", unit: "total",
        help: "Requests a policy in shadow mode (enforce: false) would have refused, by action and reason.")
    static let sessionEvents = MetricName(
        name: "session_events", unit: "total",
        help: "X-ActionGate-Session headers acted on: issued, cleared or refused.")
    static let upstreamDuration = MetricName(
        name: "upstream_response", unit: "seconds",
        help: "Time from handing a request to the upstream pool to its response head, by upstream.")
    static let upstreamErrors = MetricName(
        name: "upstream_errors", unit: "total",
        help: "Upstream exchanges that failed, by upstream and kind (unavailable, timeout, busy, aborted).")
    static let openConnections = MetricName(
        name: "open_connections", unit: "", help: "Client connections open now.")
    static let bufferedBodyBytes = MetricName(
        name: "buffered_body_bytes", unit: "", help: "Request-body bytes buffered for the Gate now.")
    static let tokensOpened = MetricName(
        name: "tokens_opened", unit: "total",
        help:
            "Tokens opened, by key id and purpose (session, bound_args): on forwarded requests, and sessions on requests refused after the session was opened."
    )
    static let keySeals = MetricName(
        name: "key_seals", unit: "total", help: "Tokens sealed by this process, by key id.")
    static let keySealWarning = MetricName(
        name: "key_seal_warning", unit: "",
        help: "1 when a key sealed 2^30 tokens or more in this process: rotate it (the hard limit is 2^32).")
    static let keyState = MetricName(
        name: "key_state", unit: "", help: "1 for the state each keyring key is in (staged, active, decrypt-only).")
    static let reloads = MetricName(
        name: "config_reloads", unit: "total", help: "Configuration reloads, by result (success, failure).")
    static let lastReloadSuccess = MetricName(
        name: "config_last_reload_success", unit: "",
        help: "1 when the last reload succeeded (the files on disk are in force), 0 when it failed.")
    static let configGeneration = MetricName(
        name: "config_generation", unit: "", help: "Snapshots loaded by this process (the initial load is 1).")
    static let configHash = MetricName(
        name: "config_hash", unit: "",
        help: "First 32 bits of the SHA-256 HMAC fingerprint of the configuration files in force; "
            + "equal on replicas running the same files.")
    static let keyringGeneration = MetricName(
        name: "keyring_generation", unit: "", help: "Distinct keyrings put in force by this process (the first is 1).")
    static let keyringHash = MetricName(
        name: "keyring_hash", unit: "",
        help: "First 32 bits of a fingerprint of the keyring's key ids and states (never the secrets).")
    static let auditDropped = MetricName(
        name: "audit_lines_dropped", unit: "total",
        help: "Audit lines dropped because the audit output could not keep up or failed.")
    static let auditReopenFailures = MetricName(
        name: "audit_reopen_failures", unit: "total",
        help: "Reopens of the audit file (on reload or SIGHUP) that failed; the previous file kept receiving lines.")
}
