import ActionGateCrypto
import Foundation

/// `actiongate-bench crypto`: ns/op of AES-256-GCM and whole sealed tokens next to `openssl speed`.
///
/// Rows: the AES-GCM step alone (seal, open: key schedule reused, nonce + AAD + data + tag), and whole
/// tokens (seal: JSON plaintext, random nonce, encryption, base64url; open: decode, checks, decryption,
/// JSON parse). Columns compare with `openssl speed -evp aes-256-gcm -bytes N` (update-only stream
/// loop) and, for reference, with `-aead` (init, AAD, update, tag per op: the same work as one seal).
enum CryptoBenchmark {
    static let sizes = [64, 1024, 16 * 1024]

    struct Keys: TokenKeySource {
        let key: TokenKey
        var sealingKey: TokenKey? { key }
        func openingKey(id: UInt32) -> TokenKey? { id == key.id ? key : nil }
    }

    static func run(_ arguments: [String]) throws {
        var timer = BenchmarkTimer()
        if arguments.contains("--quick") { timer.runs = 3 }
        let size = integer(after: "--size", in: arguments)
        if let index = arguments.firstIndex(of: "--profile"), index + 1 < arguments.count {
            try profile(
                arguments[index + 1], size: size ?? 1024, iterations: integer(after: "--iterations", in: arguments))
            return
        }
        if let size {
            // Profiling aid: only our rows, one size, no openssl (e.g. under `perf record`).
            print(try measure(size: size, timer: timer).map { String(format: "%.0f", $0) }.joined(separator: " "))
            return
        }
        print("actiongate-bench crypto: CPU ns/op, median of \(timer.runs) runs (lower is better)")
        var rows: [(String, [Double])] = [
            ("AES-GCM seal", []), ("AES-GCM open", []), ("token seal", []), ("token open", []),
        ]
        for size in sizes {
            let measured = try measure(size: size, timer: timer)
            for index in rows.indices { rows[index].1.append(measured[index]) }
        }
        let speed = sizes.map { openSSLSpeed(bytes: $0, aead: false) }
        let speedAEAD = sizes.map { openSSLSpeed(bytes: $0, aead: true) }
        printTable(rows: rows, speed: speed, speedAEAD: speedAEAD)
    }

    /// [AES seal, AES open, token seal, token open] ns/op for a payload of `size` bytes.
    static func measure(size: Int, timer: BenchmarkTimer) throws -> [Double] {
        let key = try SecureRandom.bytes(32)
        let nonce = try SecureRandom.bytes(12)
        // A token-sized AAD: header + a short action id and subject.
        let aad = try SecureRandom.bytes(6 + 24)
        let plaintext = try SecureRandom.bytes(size)
        var ciphertext = [UInt8](repeating: 0, count: size)
        var tag = [UInt8](repeating: 0, count: 16)
        var opened = [UInt8](repeating: 0, count: size)
        _ = try AES256GCM.seal(plaintext, key: key, nonce: nonce, aad: aad)

        let aesSeal = try key.withUnsafeBytes { key in
            try nonce.withUnsafeBytes { nonce in
                try aad.withUnsafeBytes { aad in
                    try plaintext.withUnsafeBytes { input in
                        try ciphertext.withUnsafeMutableBytes { output in
                            try tag.withUnsafeMutableBytes { tag in
                                try timer.nanosecondsPerOperation {
                                    try AES256GCM.seal(
                                        input, key: key, nonce: nonce, aad: aad, ciphertext: output, tag: tag)
                                    return UInt64(output[0])
                                }
                            }
                        }
                    }
                }
            }
        }
        let aesOpen = try key.withUnsafeBytes { key in
            try nonce.withUnsafeBytes { nonce in
                try aad.withUnsafeBytes { aad in
                    try ciphertext.withUnsafeBytes { input in
                        try tag.withUnsafeBytes { tag in
                            try opened.withUnsafeMutableBytes { output in
                                try timer.nanosecondsPerOperation {
                                    try AES256GCM.open(
                                        input, tag: tag, key: key, nonce: nonce, aad: aad, plaintext: output)
                                    return UInt64(output[0])
                                }
                            }
                        }
                    }
                }
            }
        }
        guard opened == plaintext else { throw CryptoError.authenticationFailed }

        let tokens = try TokenWork(size: size)
        let tokenSeal = try timer.nanosecondsPerOperation(tokens.seal)
        let tokenOpen = try timer.nanosecondsPerOperation(tokens.open)
        return [aesSeal, aesOpen, tokenSeal, tokenOpen]
    }

    /// The whole-token rows' work: a JSON string of `size` bytes once serialised (the quotes included),
    /// sealed for bound arguments with a subject, or that token opened.
    struct TokenWork {
        let key: TokenKey
        let keys: Keys
        let data: JSONValue
        let context = TokenContext.boundArguments(action: "createPost", subject: "user-1234")
        let now: Int64 = 1_700_000_000
        let token: String

        init(size: Int) throws {
            key = try TokenKey(id: 0x3f9a_0c12, secret: try SecureRandom.bytes(32))
            keys = Keys(key: key)
            data = JSONValue.string(String(repeating: "a", count: max(0, size - 2)))
            token = try SealedToken.seal(context: context, data: data, iat: now, exp: now + 600, key: key)
        }

        func seal() throws -> UInt64 {
            let token = try SealedToken.seal(context: context, data: data, iat: now, exp: now + 600, key: key)
            return UInt64(token.utf8.count)
        }

        func open() throws -> UInt64 {
            UInt64(try SealedToken.open(token, context: context, keys: keys, now: now).rawData.count)
        }
    }

    /// Profiling aid (`--profile open|seal [--size N] [--iterations N]`): the whole-token row's work
    /// alone, in one plain loop (no calibration, no openssl), e.g. under `perf record`; prints ns/op.
    /// By default it runs for about two seconds.
    static func profile(_ operation: String, size: Int, iterations: Int?) throws {
        let tokens = try TokenWork(size: size)
        guard let work = ["open": tokens.open, "seal": tokens.seal][operation] else {
            print("--profile takes open or seal")
            return
        }
        let count = max(1, iterations ?? 2_000_000_000 / (400 + size))
        let start = BenchmarkTimer.cpuNanoseconds()
        var local: UInt64 = 0
        for _ in 0..<count { local &+= try work() }
        BenchmarkTimer.sink.wrappingAdd(local, ordering: .relaxed)
        let nanoseconds = Double(BenchmarkTimer.cpuNanoseconds() - start) / Double(count)
        print("token \(operation), \(size) B: \(String(format: "%.0f", nanoseconds)) ns/op (\(count) iterations)")
    }

    /// The integer after `option` in `arguments`, if any.
    static func integer(after option: String, in arguments: [String]) -> Int? {
        guard let index = arguments.firstIndex(of: option), index + 1 < arguments.count else { return nil }
        return Int(arguments[index + 1])
    }

    /// ns per `bytes`-sized operation reported by `openssl speed` (CPU time), or nil if it did not run.
    static func openSSLSpeed(bytes: Int, aead: Bool) -> Double? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            ["openssl", "speed"] + (aead ? ["-aead"] : [])
            + ["-evp", "aes-256-gcm", "-bytes", String(bytes), "-seconds", "1", "-mr"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return parseSpeed(text, bytes: bytes)
    }

    /// Reads `+F:<n>:<cipher>:<bytes per second>` from `openssl speed -mr` output (computed on CPU time).
    static func parseSpeed(_ text: String, bytes: Int) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix("+F:") {
            let fields = line.split(separator: ":")
            guard fields.count >= 4, let perSecond = Double(fields[3]), perSecond > 0 else { continue }
            return Double(bytes) * 1e9 / perSecond
        }
        return nil
    }

    static func printTable(rows: [(String, [Double])], speed: [Double?], speedAEAD: [Double?]) {
        func cell(_ text: String, _ width: Int = 22) -> String {
            text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
        }
        func format(_ value: Double) -> String { String(format: "%.0f", value) }
        func ratio(_ value: Double, _ reference: Double?) -> String {
            guard let reference else { return "n/a" }
            return String(format: "%.2f×", value / reference)
        }
        print(cell("", 16) + sizes.map { cell("\($0) B") }.joined())
        print(cell("openssl -evp", 16) + speed.map { cell($0.map(format) ?? "n/a") }.joined())
        print(cell("openssl -aead", 16) + speedAEAD.map { cell($0.map(format) ?? "n/a") }.joined())
        for (name, values) in rows {
            let cells = values.indices.map { index in
                let ratios = ratio(values[index], speed[index]) + " / " + ratio(values[index], speedAEAD[index])
                return cell("\(format(values[index])) (\(ratios))")
            }
            print(cell(name, 16) + cells.joined())
        }
        print("ratios: (vs openssl speed -evp / vs -aead); budget: AES-GCM step ≤ 1.5×, whole 1 KiB seal ≤ 2×")
    }
}
