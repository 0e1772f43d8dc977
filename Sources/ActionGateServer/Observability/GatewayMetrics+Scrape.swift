import ActionGateCore
import ActionGateCrypto
import Prometheus

extension GatewayMetrics {
    /// Reports the data plane's connection gauges from now on.
    public func observe(counters: GatewayCounters) {
        scrape.withLock { $0.counters = counters }
    }

    /// Reports the audit log's dropped lines from now on.
    public func observe(auditLog: AuditLog) {
        scrape.withLock { $0.auditLog = auditLog }
    }

    /// The Prometheus text exposition, after reading the scrape-time values (connections, seal
    /// counts per key, audit drops).
    public func render() -> [UInt8] {
        scrape.withLock { state in
            if let counters = state.counters {
                gauges.openConnections.set(Int64(counters.openConnections))
                gauges.bufferedBodyBytes.set(Int64(counters.bufferedBodyBytes))
            }
            if let auditLog = state.auditLog {
                let dropped = auditLog.droppedLines
                if dropped > state.auditDroppedReported {
                    gauges.auditDropped.increment(by: Int64(dropped - state.auditDroppedReported))
                    state.auditDroppedReported = dropped
                }
                let failedReopens = auditLog.failedReopens
                if failedReopens > state.auditReopenFailuresReported {
                    gauges.auditReopenFailures.increment(
                        by: Int64(failedReopens - state.auditReopenFailuresReported))
                    state.auditReopenFailuresReported = failedReopens
                }
            }
            reportSeals(&state)
        }
        var text = registry.emitToBuffer()
        upstreamLatency.emit(into: &text)
        return text
    }

    /// `GET /metrics` for the admin listener.
    public var route: AdminRoute {
        AdminRoute(method: "GET", path: "/metrics") { _ in
            AdminResponse(
                status: 200,
                headers: HeaderFields([
                    ("content-type", "text/plain; version=0.0.4; charset=utf-8"), ("cache-control", "no-store"),
                ]),
                body: self.render())
        }
    }

    /// Seals per key in force: each key's count covers every seal this process made with it,
    /// before reloads too (`TokenKey.sealCount`).
    private func reportSeals(_ state: inout ScrapeState) {
        guard let keyring = state.keyring else { return }
        for entry in keyring.entries {
            let total = keyring.openingKey(id: entry.id)?.sealCount ?? 0
            let reported = state.reportedSeals[entry.id, default: 0]
            let counter = registry.makeCounter(
                descriptor: MetricName.keySeals.descriptor, labels: [("key_id", entry.idHex)])
            if total > reported {
                counter.increment(by: Int64(clamping: total - reported))
                state.reportedSeals[entry.id] = total
            }
            state.keyGauges[entry.id]?.sealWarning.set(to: total >= TokenKey.sealWarningThreshold ? 1 : 0)
        }
    }
}
