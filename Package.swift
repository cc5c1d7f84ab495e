// swift-tools-version:6.1
import PackageDescription

// Targets follow the flow of a check: the pure core decides; adapters feed it
// (config, store) and carry its decisions over the wire (HTTP, gRPC).
let package = Package(
    name: "modelgate",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "modelgate", targets: ["modelgate"]),
        .library(name: "ModelgateCore", targets: ["ModelgateCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-atomics.git", from: "1.2.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.96.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/grpc/grpc-swift-2.git", from: "2.3.0"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", from: "2.9.0"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", from: "2.1.0"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
    ],
    targets: [
        // Pure decision engine: no sockets, no files, no clock it is not handed.
        .target(
            name: "ModelgateCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Atomics", package: "swift-atomics"),
            ]
        ),
        // LiteLLM-compatible config.yaml → policy snapshot parts.
        .target(
            name: "ModelgateConfig",
            dependencies: [
                "ModelgateCore",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // SQLite store (GRDB): hashed keys, teams, users, encrypted credentials; admin operations.
        .target(
            name: "ModelgateStore",
            dependencies: [
                "ModelgateCore",
                "ModelgateConfig",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Audit log lines and metrics for every decision, shared by the HTTP and gRPC fronts.
        .target(
            name: "ModelgateObservability",
            dependencies: [
                "ModelgateCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // HTTP front on SwiftNIO: /check (nginx and Envoy styles), /v1/decision, admin API, health, metrics.
        .target(
            name: "ModelgateHTTP",
            dependencies: [
                "ModelgateCore",
                "ModelgateStore",
                "ModelgateObservability",
            ]
        ),
        // gRPC front: envoy.service.auth.v3.Authorization/Check.
        .target(
            name: "ModelgateGRPC",
            dependencies: [
                "ModelgateCore",
                "ModelgateObservability",
            ]
        ),
        // The command line: serve, check, key/team/credential admin, config validate.
        .executableTarget(
            name: "modelgate",
            dependencies: [
                "ModelgateCore",
                "ModelgateConfig",
                "ModelgateStore",
                "ModelgateHTTP",
                "ModelgateGRPC",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // In-process benchmarks (decision latency, body scan throughput, scale): `scripts/bench`.
        .executableTarget(
            name: "modelgate-bench",
            dependencies: ["ModelgateCore", "BenchAllocationCounter"],
            path: "Benchmarks/modelgate-bench"
        ),
        .target(name: "BenchAllocationCounter", path: "Benchmarks/BenchAllocationCounter"),
        // The public decision vectors (copied from shared/vectors) and their loader, for every
        // front's tests: the same decision must come out of each.
        .target(
            name: "ModelgateTestSupport",
            dependencies: ["ModelgateCore", "ModelgateConfig"],
            path: "Tests/ModelgateTestSupport",
            resources: [.copy("Vectors")]
        ),
        .testTarget(
            name: "ModelgateCoreTests",
            dependencies: ["ModelgateCore", "ModelgateConfig", "ModelgateTestSupport"]
        ),
        .testTarget(
            name: "ModelgateConfigTests",
            dependencies: ["ModelgateConfig"]
        ),
    ]
)
