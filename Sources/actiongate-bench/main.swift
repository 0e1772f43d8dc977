#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `actiongate-bench <benchmark> [options]`: release-mode micro-benchmarks, one subcommand each.
/// Build with `swift run -c release actiongate-bench <name>`; debug numbers mean nothing.
let benchmarks: [(name: String, summary: String, run: ([String]) throws -> Void)] = [
    ("crypto", "AES-256-GCM and sealed tokens against `openssl speed`", CryptoBenchmark.run),
    ("gate", "the Gate's decision per request, and a ten-rule policy", GateBenchmark.run),
    ("http", "the HTTP/1.1 request and response decoders on the benchmark's heads", HTTPBenchmark.run),
    ("relay", "serve a bare NIO relay (tcp | http) for bench/run.sh --floors", RelayBenchmark.run),
]

let arguments = Array(CommandLine.arguments.dropFirst())
guard let name = arguments.first, let benchmark = benchmarks.first(where: { $0.name == name }) else {
    print("usage: actiongate-bench <benchmark>\n\nbenchmarks:")
    for benchmark in benchmarks { print("  \(benchmark.name)\t\(benchmark.summary)") }
    exit(2)
}
do {
    try benchmark.run(Array(arguments.dropFirst()))
} catch {
    print("actiongate-bench \(name): \(error)")
    exit(1)
}
