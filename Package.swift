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
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.36.0"),
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
        // Policy store, SQLite (GRDB) or PostgreSQL (postgres-nio): hashed keys, teams, users, encrypted credentials; admin operations.
        .target(
            name: "ModelgateStore",
            dependencies: [
                "ModelgateCore",
                "ModelgateConfig",
                "ModelgatePostgres",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // PostgreSQL connection settings from a libpq-style URL (TLS through NIOSSL), with the
        // password kept out of every description and error.
        .target(
            name: "ModelgatePostgres",
            dependencies: [
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
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
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Atomics", package: "swift-atomics"),
            ]
        ),
        // HTTP front on SwiftNIO: /check (nginx and Envoy styles), /v1/decision, admin API, health, metrics.
        .target(
            name: "ModelgateHTTP",
            dependencies: [
                "ModelgateCore",
                "ModelgateStore",
                "ModelgateObservability",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // gRPC front: envoy.service.auth.v3.Authorization/Check.
        .target(
            name: "ModelgateGRPC",
            dependencies: [
                "ModelgateCore",
                "ModelgateObservability",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
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
                "ModelgateObservability",
                "ModelgateLiteLLM",
                "ModelgateLiteLLMDatabase",
                "ModelgatePostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        // In-process benchmarks (decision latency, body scan throughput, scale): `scripts/bench`.
        .executableTarget(
            name: "modelgate-bench",
            dependencies: [
                "ModelgateCore", "ModelgateObservability", "BenchAllocationCounter",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
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
        .testTarget(
            name: "ModelgateStoreTests",
            dependencies: ["ModelgateStore", "ModelgateCore", "ModelgateConfig", "ModelgateTestSupport"]
        ),
        .testTarget(
            name: "ModelgatePostgresTests",
            dependencies: [
                "ModelgatePostgres", "ModelgateStore", "ModelgateTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(
            name: "ModelgateHTTPTests",
            dependencies: [
                "ModelgateHTTP", "ModelgateStore", "ModelgateObservability", "ModelgateTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .testTarget(
            name: "ModelgateObservabilityTests",
            dependencies: [
                "ModelgateObservability", "ModelgateCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // Runs the built `modelgate` executable (serve, check, config validate) as users do.
        .testTarget(
            name: "ModelgateCLITests",
            dependencies: ["ModelgateTestSupport"]
        ),
        .testTarget(
            name: "ModelgateGRPCTests",
            dependencies: [
                "ModelgateGRPC",
                "ModelgateCore",
                "ModelgateObservability",
                "ModelgateTestSupport",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Fuzzing (scripts/fuzz): one executable, four targets. Built normally it replays corpus
        // files through the same invariants; built with `-sanitize=fuzzer` and
        // `-DMODELGATE_LIBFUZZER` (scratch path .build-fuzz) it hands them to libFuzzer.
        .target(name: "CLibFuzzer", path: "Fuzz/CLibFuzzer"),
        .executableTarget(
            name: "modelgate-fuzz",
            dependencies: ["ModelgateCore", "ModelgateConfig", "ModelgateTestSupport", "CLibFuzzer"],
            path: "Fuzz/ModelgateFuzz"
        ),
        // LiteLLM's own PostgreSQL database as a read-only policy source (--litellm-database):
        // its rows mapped to policy with LiteLLM's meaning, its encrypted values opened.
        .systemLibrary(name: "CSodium", path: "Sources/CSodium", pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"])]),
        .target(
            name: "ModelgateLiteLLM",
            dependencies: [
                "ModelgateCore",
                "ModelgateConfig",
                "CSodium",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "ModelgateLiteLLMTests",
            dependencies: ["ModelgateLiteLLM", "ModelgateCore", "ModelgateConfig"],
            resources: [.copy("Fixtures")]
        ),
        .target(
            name: "ModelgateLiteLLMDatabase",
            dependencies: [
                "ModelgateLiteLLM",
                "ModelgatePostgres",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "ModelgateLiteLLMDatabaseTests",
            dependencies: [
                "ModelgateLiteLLMDatabase", "ModelgateLiteLLM", "ModelgatePostgres", "ModelgateCore", "ModelgateConfig",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Hostile input that is too big or too slow for vector files (10 MB strings, 10k nesting).
        .testTarget(
            name: "ModelgateHostileTests",
            dependencies: ["ModelgateCore", "ModelgateConfig", "ModelgateTestSupport"]
        ),
    ]
)
