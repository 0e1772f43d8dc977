import ActionGateCrypto
import ArgumentParser
import Foundation

/// `actiongate keys list`: every key's id, state, dates and, for decrypt-only keys, when it may be
/// retired. Never prints a secret.
struct KeysListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Show the keys: id, state, created, age, and when each may be retired.")

    @OptionGroup var location: KeyringLocation

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() throws {
        try KeysCommand.reporting {
            let resolved = try location.resolve(lifetimes: .informative)
            let keyring = try KeyringFile.load(from: resolved.keyringPath)
            let now = Date()
            let rows = keyring.entries.map { Row(entry: $0, now: now, lifetimes: resolved.lifetimes) }
            if json {
                print(KeysListCommand.json(rows, path: resolved.keyringPath, lifetimes: resolved.lifetimes))
            } else {
                print("keyring \(resolved.keyringPath); longest token lifetime \(resolved.lifetimes.summary)")
                print(KeysListCommand.table(rows))
            }
        }
    }

    /// One key as listed.
    struct Row {
        var entry: KeyringEntry
        var age: Duration
        /// For decrypt-only keys: when tokens it sealed have all expired.
        var safeToRetireAt: Date?
        var safeNow: Bool
        var now: Date

        init(entry: KeyringEntry, now: Date, lifetimes: TokenLifetimes) {
            self.entry = entry
            self.now = now
            age = .seconds(max(0, Int64(now.timeIntervalSince(entry.createdAt).rounded(.down))))
            if entry.state == .decryptOnly {
                let safeAt = Keyring.safeToRetire(entry, minimumAge: lifetimes.retirementGuard)
                safeToRetireAt = safeAt
                safeNow = safeAt <= now
            } else {
                safeToRetireAt = nil
                safeNow = false
            }
        }

        /// The last column of the table.
        func note() -> String {
            switch entry.state {
            case .active: return "seals new tokens"
            case .staged: return "opens only; promote once every replica has it"
            case .decryptOnly:
                guard let safeAt = safeToRetireAt else { return "" }
                if safeNow { return "safe to retire now" }
                let wait = Duration.seconds(Int64(safeAt.timeIntervalSince(now).rounded(.up)))
                return "safe to retire from \(KeyringTimestamp.format(safeAt)) (in \(TokenLifetimes.format(wait)))"
            }
        }
    }

    static func table(_ rows: [Row]) -> String {
        let header = ["ID", "STATE", "CREATED", "AGE", "RETIREMENT"]
        let cells = rows.map { row in
            [
                row.entry.idHex, row.entry.state.rawValue, KeyringTimestamp.format(row.entry.createdAt),
                TokenLifetimes.format(row.age), row.note(),
            ]
        }
        let widths = header.indices.map { column in
            ([header] + cells).map { $0[column].count }.max() ?? 0
        }
        return ([header] + cells).map { line in
            line.enumerated().map { column, text in
                column == line.count - 1 ? text : text.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    static func json(_ rows: [Row], path: String, lifetimes: TokenLifetimes) -> String {
        let keys = rows.map { row -> JSONValue in
            var fields: [String: JSONValue] = [
                "id": .string(row.entry.idHex),
                "state": .string(row.entry.state.rawValue),
                "created_at": .string(KeyringTimestamp.format(row.entry.createdAt)),
                "state_changed_at": .string(KeyringTimestamp.format(row.entry.stateChangedAt)),
                "age_seconds": .number(Double(row.age.components.seconds)),
            ]
            if let safeAt = row.safeToRetireAt {
                fields["safe_to_retire_at"] = .string(KeyringTimestamp.format(safeAt))
                fields["safe_to_retire"] = .bool(row.safeNow)
            }
            return .object(fields)
        }
        let document = JSONValue.object([
            "keyring": .string(path),
            "retirement_guard_seconds": .number(Double(lifetimes.retirementGuard.components.seconds)),
            "lifetimes_from": .string(lifetimes.source),
            "keys": .array(keys),
        ])
        return document.serialized()
    }
}
