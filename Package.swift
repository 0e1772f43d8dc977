// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "ActionGate",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "actiongate", targets: ["actiongate"]),
        .executable(name: "actiongate-bench", targets: ["actiongate-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        // System OpenSSL (libssl-dev): every cryptographic primitive comes from libcrypto.
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // AVX2 kernels for the bulk of base64url, used only after a CPU check (see its header for why C).
        .target(name: "CBase64URL"),
        // AES-256-GCM, HKDF, HMAC, random, sealed tokens, the keyring and its file.
        .target(
            name: "ActionGateCrypto",
            dependencies: ["COpenSSL", "CBase64URL"]
        ),
        // Every security decision, as pure synchronous code. Never imports NIO. It also imports
        // Yams' libyaml module (CYaml, not a product of its own) to bound alias expansion before
        // Yams builds a tree (YAMLExpansionLimit).
        .target(
            name: "ActionGateCore",
            dependencies: [
                "ActionGateCrypto",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // The SwiftNIO data plane: listener, upstream pool, admin listener, reloader, audit log.
        .target(
            name: "ActionGateServer",
            dependencies: [
                "ActionGateCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "actiongate",
            dependencies: [
                "ActionGateServer", "ActionGateCore", "ActionGateCrypto",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Release-mode micro-benchmarks (crypto against `openssl speed`, the Gate's cost per request).
        .executableTarget(
            name: "actiongate-bench",
            dependencies: [
                "ActionGateCore", "ActionGateCrypto",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // Fuzz targets (docs/security-testing.md). A normal build replays Fuzz/ corpora; built with
        // -DFUZZING and -sanitize=fuzzer (scripts/fuzz.sh) it is a libFuzzer binary.
        .executableTarget(
            name: "actiongate-fuzz",
            dependencies: ["ActionGateCore", "ActionGateCrypto"]
        ),
        // What the test targets share: `ChildProcess` (not Foundation's `Process`, which crashes
        // now and then on Linux) and the bounded test parallelism of `CTestSupport`.
        .target(name: "CTestSupport", path: "Tests/CTestSupport"),
        .target(name: "ActionGateTestSupport", dependencies: ["CTestSupport"], path: "Tests/ActionGateTestSupport"),
        .testTarget(name: "ActionGateCryptoTests", dependencies: ["ActionGateCrypto", "ActionGateTestSupport"]),
        .testTarget(
            name: "ActionGateCoreTests", dependencies: ["ActionGateCore", "ActionGateCrypto", "ActionGateTestSupport"]),
        .testTarget(
            name: "ActionGateServerTests",
            dependencies: [
                "ActionGateServer", "ActionGateCore", "ActionGateCrypto", "ActionGateTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Runs the real `actiongate` executable as a subprocess.
        .testTarget(
            name: "actiongateTests",
            dependencies: [
                "actiongate", "ActionGateServer", "ActionGateCore", "ActionGateCrypto", "ActionGateTestSupport",
            ]
        ),
        // Replays every committed fuzz input (seeds and crash reproducers) through its target, checks
        // the fuzz references, and judges ResponseDecoder against NIO's (llhttp) response decoder.
        .testTarget(
            name: "ActionGateFuzzTests",
            dependencies: [
                "actiongate-fuzz", "ActionGateCore", "ActionGateTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
