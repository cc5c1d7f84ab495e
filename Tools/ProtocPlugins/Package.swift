// swift-tools-version:6.1
import PackageDescription

// Builds the two protoc plugins `scripts/generate-protos` needs. This package is a developer
// tool only: it is never part of the product build, and CI never builds it, because the
// generated Swift under Sources/ModelgateGRPC/Generated is committed.
//
//   swift build --package-path Tools/ProtocPlugins --scratch-path /tmp/protoc-plugins-build \
//     --product protoc-gen-swift
//   swift build --package-path Tools/ProtocPlugins --scratch-path /tmp/protoc-plugins-build \
//     --product protoc-gen-grpc-swift-2
let package = Package(
    name: "ProtocPlugins",
    dependencies: [
        // Pinned exactly so regenerating gives the same code as the committed files.
        .package(url: "https://github.com/apple/swift-protobuf.git", exact: "1.39.0"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", exact: "2.4.1"),
    ],
    // No targets of its own: `swift build --product` builds a dependency's executable product.
    targets: []
)
