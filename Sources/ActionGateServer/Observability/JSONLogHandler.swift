import Logging
import Synchronization

/// A swift-log handler that writes one JSON object per line, for the operational log (startup,
/// reloads, errors) on stderr.
///
/// `{"time":"2026-11-21T10:00:00.123Z","level":"error","logger":"actiongate","message":"…",
/// "metadata":{"trigger":"SIGHUP","error":"…"}}`. Messages and metadata are escaped like audit
/// values (no raw control characters, valid UTF-8) and cut at `valueLimit` scalars. Lines are
/// written synchronously, one `write(2)` each: operational logs are rare, and losing the line that
/// explains a failure is worse than waiting for it. Bootstrap it once per process (`serve` does):
/// `LoggingSystem.bootstrap { JSONLogHandler(label: $0, level: .info) }`.
public struct JSONLogHandler: LogHandler {
    /// Longest message or metadata value, in Unicode scalars.
    public static let valueLimit = 4000

    /// Metadata attached to every line from this handler.
    public var metadata: Logger.Metadata = [:]
    /// Contextual metadata (e.g. task-local), merged under `metadata`.
    public var metadataProvider: Logger.MetadataProvider?
    /// Lines below this level are not written.
    public var logLevel: Logger.Level
    private let label: String
    private let output: JSONLogOutput

    /// Creates a handler for the logger named `label`.
    public init(label: String, level: Logger.Level = .info, output: JSONLogOutput = .standardError) {
        self.label = label
        self.logLevel = level
        self.output = output
    }

    /// One metadata value of this handler.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes `event` as one line.
    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let explicit = event.metadata { merged.merge(explicit) { _, new in new } }
        if let error = event.error { merged["error"] = .string("\(error)") }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        let label = label
        JSONObjectWriter.appendLine(to: &bytes) { line in
            line.member("time")
            LogTimestamp.now().appendQuoted(into: &line.bytes)
            line.string("level", event.level.rawValue, limit: 16)
            line.string("logger", label, limit: 200)
            line.string("message", event.message.description, limit: Self.valueLimit)
            if !merged.isEmpty {
                line.member("metadata")
                Self.append(.dictionary(merged), depth: 0, into: &line.bytes)
            }
        }
        output.write(bytes)
    }

    /// Appends a metadata value as JSON; nesting deeper than four levels is written as text.
    private static func append(_ value: Logger.Metadata.Value, depth: Int, into out: inout [UInt8]) {
        switch value {
        case .string(let text):
            appendString(text, into: &out)
        case .stringConvertible(let convertible):
            appendString(convertible.description, into: &out)
        case .array(let values) where depth < 4:
            out.append(UInt8(ascii: "["))
            for (index, element) in values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                append(element, depth: depth + 1, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .dictionary(let members) where depth < 4:
            out.append(UInt8(ascii: "{"))
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                appendString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                if let member = members[key] { append(member, depth: depth + 1, into: &out) }
            }
            out.append(UInt8(ascii: "}"))
        case .array, .dictionary:
            appendString(value.description, into: &out)
        }
    }

    private static func appendString(_ text: String, into out: inout [UInt8]) {
        var text = text
        out.append(UInt8(ascii: "\""))
        text.withUTF8 { JSONObjectWriter.appendEscaped($0, limit: valueLimit, into: &out) }
        out.append(UInt8(ascii: "\""))
    }
}

/// Where `JSONLogHandler` lines go: stderr, or a closure (tests capture lines with it).
public final class JSONLogOutput: Sendable {
    private let sink: @Sendable ([UInt8]) -> Void

    /// An output that hands each complete line (with its newline) to `sink`.
    public init(_ sink: @escaping @Sendable ([UInt8]) -> Void) {
        self.sink = sink
    }

    /// File descriptor 2; a lock (shared with the audit log when it writes to the same file) keeps
    /// concurrent lines whole.
    public static let standardError = JSONLogOutput { bytes in
        DescriptorOutput.standardStreams.withLock { _ in _ = DescriptorOutput.writeAll(bytes, to: 2) }
    }

    func write(_ bytes: [UInt8]) {
        sink(bytes)
    }
}
