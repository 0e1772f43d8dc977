import ActionGateServer
import Dispatch
import Foundation

/// The demo's audit sink: one short line per request on standard output, as it happens.
///
/// ```
/// POST /actions/createNote → 403 origin_rejected
/// POST /actions/createNote → 303 forward createNote (alice)
/// ```
/// `record` runs on an EventLoop, so the write happens on a serial queue of its own. The path comes
/// from the client: it is cut at the query, shortened and stripped of control bytes before it
/// reaches the terminal.
struct DemoAuditPrinter: AuditSink {
    private static let queue = DispatchQueue(label: "actiongate.demo.audit")
    static let maximumPathLength = 80

    private let write: @Sendable (String) -> Void

    /// Prints to standard output unless `write` is given (tests).
    init(write: @escaping @Sendable (String) -> Void = { FileHandle.standardOutput.write(Data(($0 + "\n").utf8)) }) {
        self.write = write
    }

    func record(_ event: RequestRecord) {
        let line = Self.line(for: event)
        let write = self.write
        Self.queue.async { write(line) }
    }

    /// The line for one request.
    static func line(for event: RequestRecord) -> String {
        let method = event.method.isEmpty ? "-" : printable(event.method, limit: 16)
        let path = event.target.isEmpty ? "-" : printable(pathOnly(event.target), limit: maximumPathLength)
        var line = "\(method) \(path) → \(event.status) "
        switch event.outcome {
        case .forwarded:
            line += "forward"
            if let action = event.audit?.action { line += " \(printable(action, limit: 64))" }
            line += " (\(event.audit?.subject.map { printable($0, limit: 64) } ?? "anonymous"))"
            if let shadow = event.audit?.shadowDenial { line += " [shadow: would be \(shadow.rawValue)]" }
        case .rejected(let rejection):
            line += rejection.reason.rawValue
            if let detail = rejection.detail { line += " — \(printable(detail, limit: 100))" }
        case .aborted(let detail):
            line += "aborted — \(printable(detail, limit: 100))"
        }
        switch event.sessionEvent {
        case .issued?: line += ", session issued"
        case .cleared?: line += ", session cleared"
        case .refused(let reason)?: line += ", session refused (\(printable(reason, limit: 40)))"
        case nil: break
        }
        return line
    }

    static func pathOnly(_ target: String) -> Substring {
        target.firstIndex(of: "?").map { target[..<$0] } ?? target[...]
    }

    /// Printable ASCII only (anything else becomes `?`), at most `limit` characters (then `…`).
    static func printable(_ text: some StringProtocol, limit: Int) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if out.unicodeScalars.count == limit { return out + "…" }
            out.unicodeScalars.append((0x20..<0x7F).contains(scalar.value) ? scalar : "?")
        }
        return out
    }
}
