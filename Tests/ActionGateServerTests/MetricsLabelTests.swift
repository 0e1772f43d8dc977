import ActionGateCore
import ActionGateCrypto
import Dispatch
import Logging
import Prometheus
import Synchronization
import Testing

@testable import ActionGateServer

/// Bounded label values, counts from many threads, and the JSON operational log handler.
@Suite struct MetricsLabelTests {
    static let statuses: [(Int, String)] = [
        (0, "none"), (200, "200"), (204, "204"), (299, "2xx"), (302, "302"), (399, "3xx"), (403, "403"),
        (418, "4xx"), (503, "503"), (599, "5xx"), (99, "other"), (600, "other"), (-1, "other"), (Int.max, "other"),
    ]

    @Test(arguments: statuses)
    func statusLabels(_ code: Int, _ label: String) {
        #expect(MetricLabels.status(code) == label)
    }

    static let upstreamErrors: [(RequestRecord.Outcome, String?, String?)] = [
        (.forwarded(status: 502), "app", nil),
        (.rejected(Rejection(.upstreamUnavailable)), "app", "unavailable"),
        (.rejected(Rejection(.upstreamTimeout)), "app", "timeout"),
        (.rejected(Rejection(.upstreamBusy)), "app", "busy"),
        (.rejected(Rejection(.forbidden)), nil, nil),
        (.aborted(detail: "upstream closed mid-response"), "app", "aborted"),
        (.aborted(detail: "client connection closed"), "app", nil),
        (.aborted(detail: "upstream closed mid-response"), nil, nil),
    ]

    @Test(arguments: upstreamErrors)
    func upstreamErrorKinds(_ outcome: RequestRecord.Outcome, _ upstream: String?, _ kind: String?) {
        let record = RequestRecord(
            requestID: "r", peer: "p", method: "GET", target: "/", outcome: outcome, status: 502, upstream: upstream,
            totalLatency: .zero, bytesIn: 0, bytesOut: 0)
        #expect(MetricLabels.upstreamErrorKind(record) == kind)
    }

    static func record(action: String, route: String = "/", status: Int = 200) -> RequestRecord {
        RequestRecord(
            requestID: "r", peer: "127.0.0.1", method: "POST", target: "/", outcome: .forwarded(status: status),
            status: status,
            audit: AuditFacts(routeMode: "actions", route: route, action: action, clientAddress: "127.0.0.1"),
            upstream: "app", upstreamLatency: .milliseconds(3), totalLatency: .milliseconds(4), bytesIn: 0, bytesOut: 0)
    }

    @Test func withoutAConfigurationOnlyTheFirstValuesPassThenUnknown() {
        let metrics = GatewayMetrics(registry: PrometheusCollectorRegistry())
        for index in 0..<(KnownLabels.cap + 50) {
            metrics.record(Self.record(action: "a\(index)"))
        }
        let text = MetricsText(String(decoding: metrics.render(), as: UTF8.self))
        let series = text.samples.filter { $0.name == "actiongate_requests_total" }
        #expect(series.count == KnownLabels.cap + 1)
        #expect(text.value("actiongate_requests_total", ["action": "unknown"]) == 50)
        #expect(text.value("actiongate_requests_total") == Double(KnownLabels.cap + 50))
    }

    @Test func countsFromManyThreadsAddUp() {
        let metrics = GatewayMetrics(registry: PrometheusCollectorRegistry())
        DispatchQueue.concurrentPerform(iterations: 8) { index in
            for _ in 0..<500 {
                metrics.record(Self.record(action: "a\(index % 2)", status: index % 2 == 0 ? 200 : 418))
            }
        }
        let text = MetricsText(String(decoding: metrics.render(), as: UTF8.self))
        #expect(text.value("actiongate_requests_total", ["action": "a0", "status": "200"]) == 2000)
        #expect(text.value("actiongate_requests_total", ["action": "a1", "status": "4xx"]) == 2000)
        #expect(text.value("actiongate_upstream_response_seconds_count", ["upstream": "app"]) == 4000)
    }

    @Test func interleavedSeriesEachCountTheirOwnRequests() {
        // More series than the handle cache's recent list holds, in a random order with runs and
        // alternations: each series must count exactly its own records (a stale recent entry would
        // credit another series).
        let metrics = GatewayMetrics(registry: PrometheusCollectorRegistry())
        let series = (0..<(MetricHandleCache.recentCount * 3)).map { ("a\($0 % 5)", 200 + ($0 / 5) * 100) }
        var expected: [String: Int] = [:]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<3_000 {
            let (action, status) = series[Int.random(in: 0..<series.count, using: &generator)]
            let repeats = Int.random(in: 1...3, using: &generator)
            for _ in 0..<repeats { metrics.record(Self.record(action: action, status: status)) }
            expected["\(action) \(MetricLabels.status(status))", default: 0] += repeats
        }
        let text = MetricsText(String(decoding: metrics.render(), as: UTF8.self))
        for (key, count) in expected {
            let parts = key.split(separator: " ").map(String.init)
            #expect(
                text.value("actiongate_requests_total", ["action": parts[0], "status": parts[1]]) == Double(count),
                "\(key)")
        }
        #expect(text.value("actiongate_requests_total") == Double(expected.values.reduce(0, +)))
    }

    @Test func jsonLogHandlerWritesOneEscapedLinePerMessage() throws {
        let lines = Mutex<[[UInt8]]>([])
        let output = JSONLogOutput { bytes in lines.withLock { $0.append(bytes) } }
        var logger = Logger(label: "actiongate.test") { JSONLogHandler(label: $0, level: .info, output: output) }
        logger[metadataKey: "component"] = "reloader"
        logger.debug("not written")
        logger.error(
            "reload failed\n{\"forged\":true}",
            metadata: ["error": "bad \u{1B}[2J file", "attempt": "\(3)", "files": ["a", "b"]])
        let written = lines.withLock { $0 }
        #expect(written.count == 1)
        let bytes = try #require(written.first)
        #expect(bytes.last == UInt8(ascii: "\n"))
        #expect(!bytes.dropLast().contains { $0 < 0x20 })
        let line = try #require(members(JSONValue(parsing: bytes.dropLast())))
        #expect(line["level"] == .string("error"))
        #expect(line["logger"] == .string("actiongate.test"))
        #expect(line["message"] == .string("reload failed\n{\"forged\":true}"))
        #expect(line["forged"] == nil)
        let metadata = try #require(line["metadata"].flatMap(members))
        #expect(metadata["component"] == .string("reloader"))
        #expect(metadata["error"] == .string("bad \u{1B}[2J file"))
        #expect(metadata["files"] == .array([.string("a"), .string("b")]))
        if case .string(let time)? = line["time"] { #expect(time.hasSuffix("Z")) } else { Issue.record("no time") }
    }
}
