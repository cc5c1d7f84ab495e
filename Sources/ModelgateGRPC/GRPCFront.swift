import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import NIOCore
import ModelgateCore
import ModelgateObservability
import ServiceLifecycle

/// The gRPC front: serves `envoy.service.auth.v3.Authorization/Check` for Envoy's `ext_authz`
/// filter (`grpc_service`, transport API v3) over plaintext HTTP/2.
///
/// It decides with the same engine and the same `SnapshotHolder` as the HTTP front, so both
/// answer every request alike and see a reload at the same moment. Run it as a `Service` in a
/// `ServiceGroup` (graceful shutdown stops accepting, lets in-flight checks finish, then `run()`
/// returns), or call `run()` directly and stop it with `triggerGracefulShutdown()` or by
/// cancelling the task.
///
/// ```swift
/// let front = GRPCFront(host: "127.0.0.1", port: 0, snapshots: holder, recorder: recorder)
/// async let serving: Void = front.run()
/// let port = try await front.listeningPort()
/// ```
public struct GRPCFront: Service, Sendable {
    private let address: GRPCNIOTransportCore.SocketAddress
    private let snapshots: SnapshotHolder
    private let recorder: DecisionRecorder
    private let logger: Logger
    private let lifecycle: FrontLifecycle

    /// - Parameters:
    ///   - host: A numeric IPv4 or IPv6 address (`127.0.0.1`, `::1`, `[::1]`, `0.0.0.0`) or `localhost`.
    ///   - port: The TCP port; 0 picks a free one (see `listeningPort()`).
    ///   - snapshots: The policy shared with the HTTP front.
    ///   - recorder: Audit log and metrics, shared with the HTTP front.
    ///   - logger: For start, stop and transport problems (decisions go through `recorder`).
    ///   - drainTimeout: How long a graceful shutdown waits for in-flight checks before it cuts
    ///     the remaining connections.
    public init(
        host: String, port: Int, snapshots: SnapshotHolder, recorder: DecisionRecorder,
        logger: Logger = Logger(label: "modelgate.grpc"), drainTimeout: Duration = .seconds(10)
    ) {
        address = Self.socketAddress(host: host, port: port)
        self.snapshots = snapshots
        self.recorder = recorder
        self.logger = logger
        lifecycle = FrontLifecycle(front: "gRPC", drainTimeout: drainTimeout)
    }

    /// Serves until graceful shutdown (`triggerGracefulShutdown()`, the service group's, or
    /// cancelling the task), then stops accepting connections and RPCs, lets in-flight checks
    /// finish (up to the drain timeout) and returns. Throws when the address cannot be bound.
    /// A front runs once.
    public func run() async throws {
        guard try lifecycle.beginRun() else { return }  // shut down before it started

        // Made here, not in `init`: a transport that never listens leaves a NIO promise
        // unfulfilled, which debug builds report as a leak when it is freed. The limits are
        // those of the policy at start; the RPC deadline is read for each RPC.
        let settings = snapshots.snapshot.settings
        let server = GRPCServer(
            transport: HTTP2ServerTransport.Posix(
                address: address, transportSecurity: .plaintext,
                config: Self.transportConfig(maxBodyBytes: settings.maxBodyBytes, limits: settings.limits, snapshots: snapshots)),
            services: [AuthorizationService(snapshots: snapshots, recorder: recorder)])

        // Unstructured so that cancelling `run` does not cancel the RPCs in flight: it starts
        // the same graceful shutdown instead. `Task.value` is not interrupted by cancellation,
        // so `run` returns only once the server has drained (or the drain timer cut it).
        let serving = Task { [lifecycle, logger] in
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { try await server.serve() }
                group.addTask {
                    // Resolves once bound, or with no address once listening ended (bind error).
                    guard let port = (try? await server.transport.listeningAddress).flatMap(Self.port(of:)) else { return }
                    logger.info("gRPC front listening", metadata: ["port": "\(port)"])
                    lifecycle.listening(port: port) { server.beginGracefulShutdown() }
                }
            }
        }
        lifecycle.cuttable { serving.cancel() }
        do {
            try await withGracefulShutdownHandler {
                try await withTaskCancellationHandler {
                    try await serving.value
                } onCancel: {
                    triggerGracefulShutdown()
                }
            } onGracefulShutdown: {
                triggerGracefulShutdown()
            }
        } catch where lifecycle.wasCutByDrainTimer {
            logger.warning("gRPC front cut checks still open after the drain timeout")
        } catch {
            lifecycle.finished(failure: error)
            logger.error("gRPC front failed", metadata: ["error": "\(error)"])
            throw error
        }
        lifecycle.finished(failure: nil)
        logger.info("gRPC front stopped")
    }

    /// Stops accepting new connections and RPCs; `run()` returns once in-flight checks are done.
    /// Safe to call at any time and more than once, also before `run()`.
    public func triggerGracefulShutdown() {
        lifecycle.requestShutdown()
    }

    /// The bound TCP port (the one the system chose for port 0); waits until `run()` is
    /// listening, throws if binding failed or the front has stopped.
    public func listeningPort() async throws -> Int {
        try await lifecycle.listeningPort()
    }

    static func port(of address: GRPCNIOTransportCore.SocketAddress) -> Int? {
        address.ipv4?.port ?? address.ipv6?.port
    }

    static func socketAddress(host: String, port: Int) -> GRPCNIOTransportCore.SocketAddress {
        var host = host
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host == "localhost" { return .ipv4(host: "127.0.0.1", port: port) }
        return host.contains(":") ? .ipv6(host: host, port: port) : .ipv4(host: host, port: port)
    }

    /// Defaults that suit Envoy, which keeps a few long-lived HTTP/2 connections to its
    /// authorization cluster and multiplexes every check over them, with the limits of
    /// CONTRACT §4: the stream limit advertised (so Envoy queues rather than losing a
    /// connection's checks to a GOAWAY), the message size tied to `max_body_bytes`, and each RPC
    /// stream closed when not complete within the RPC deadline.
    static func transportConfig(maxBodyBytes: Int, limits: FrontLimits, snapshots: SnapshotHolder? = nil) -> HTTP2ServerTransport.Posix.Config {
        .defaults { config in
            // Never close an idle or old connection: Envoy would have to reconnect mid-traffic.
            config.connection.maxIdleTime = nil
            config.connection.maxAge = nil
            config.connection.keepalive = .init(
                // Probe a silent peer after a minute so a dead Envoy's connection is freed.
                time: .seconds(60),
                timeout: .seconds(20),
                // Accept Envoy's HTTP/2 keepalive pings (`connection_keepalive`) also between
                // checks, instead of answering them with GOAWAY too_many_pings.
                clientBehavior: .init(minPingIntervalWithoutCalls: .seconds(5), allowWithoutCalls: true))
            config.http2.maxConcurrentStreams = limits.grpcMaxConcurrentStreams
            // A larger message is refused by the transport (RESOURCE_EXHAUSTED), which Envoy
            // turns into a denial; with `pack_as_bytes: true` the body travels byte for byte.
            config.rpc.maxRequestPayloadSize = limits.grpcMessageLimit(maxBodyBytes: maxBodyBytes)
            let fixedTimeout = limits.grpcRPCTimeout
            config.channelDebuggingCallbacks.onAcceptHTTP2Stream = { stream in
                // One timer per RPC stream on its event loop, gone when the stream closes: a
                // stream still open at the deadline is reset, freeing what it buffered.
                let timeout = snapshots?.snapshot.settings.limits.grpcRPCTimeout ?? fixedTimeout
                let deadline = stream.eventLoop.scheduleTask(in: TimeAmount(timeout)) { stream.close(promise: nil) }
                stream.closeFuture.whenComplete { _ in deadline.cancel() }
                return stream.eventLoop.makeSucceededVoidFuture()
            }
        }
    }
}
