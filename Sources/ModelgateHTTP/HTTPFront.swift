import Logging
import ModelgateCore
import ModelgateObservability
import ModelgateStore
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus
import ServiceLifecycle

/// The HTTP front: `/check` for nginx `auth_request` and Envoy HTTP ext_authz,
/// `POST /v1/decision`, health, `/metrics`, and the admin API, on plain SwiftNIO HTTP/1.1.
///
/// `/check` is decided on the connection's event loop from one atomic read of the policy
/// snapshot: no lock, no database, no JSON decoding. Run it as a `Service` in a `ServiceGroup`
/// (graceful shutdown stops accepting, lets in-flight requests finish, then `run()` returns),
/// or call `run()` directly and stop it with `triggerGracefulShutdown()`.
///
/// ```swift
/// let front = HTTPFront(host: "127.0.0.1", port: 0, policy: policy, recorder: recorder,
///                       prometheus: registry, logger: logger)
/// async let serving: Void = front.run()
/// let port = try await front.listeningPort()
/// ```
public final class HTTPFront: Service, Sendable {
    private let host: String
    private let port: Int
    private let shared: FrontShared
    private let lifecycle: FrontLifecycle

    public init(
        host: String, port: Int, policy: PolicyService, recorder: DecisionRecorder,
        prometheus: PrometheusCollectorRegistry, logger: Logger,
        configuration: HTTPFrontConfiguration = HTTPFrontConfiguration()
    ) {
        self.host = host
        self.port = port
        self.shared = FrontShared(
            policy: policy, recorder: recorder, prometheus: prometheus, logger: logger,
            configuration: configuration)
        lifecycle = FrontLifecycle(front: "HTTP", drainTimeout: configuration.drainTimeout)
    }

    /// Binds, serves until graceful shutdown (or task cancellation), and returns once every
    /// connection has closed (those still open after the drain timeout are closed). Throws when
    /// the address cannot be bound. A front runs once.
    public func run() async throws {
        guard try lifecycle.beginRun() else { return }  // shut down before it started
        let tracker = ConnectionTracker()
        let shared = self.shared
        let lifecycle = self.lifecycle
        let serverChannel: any Channel
        do {
            serverChannel = try await ServerBootstrap(group: shared.configuration.eventLoopGroup)
                .serverChannelOption(.backlog, value: 512)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                // `.socketOption(.tcp_nodelay)` would set option 1 at SOL_SOCKET: SO_DEBUG, which needs
                // CAP_NET_ADMIN (a non-root service closed every connection) and left Nagle on.
                .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
                .childChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.maxMessagesPerRead, value: 16)
                .childChannelInitializer { channel in
                    tracker.track(channel)
                    return channel.eventLoop.makeCompletedFuture {
                        let front = HTTPFrontHandler(shared: shared)
                        try channel.pipeline.syncOperations.addHandler(ReadActivityHandler(front: front))
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                            withPipeliningAssistance: true, withErrorHandling: true)
                        try channel.pipeline.syncOperations.addHandler(front)
                    }
                }
                .bind(host: host, port: port)
                .get()
        } catch {
            lifecycle.finished(failure: error)
            throw error
        }
        let boundPort = serverChannel.localAddress?.port ?? port
        shared.logger.info("HTTP front listening", metadata: ["address": "\(host):\(boundPort)"])
        lifecycle.cuttable { tracker.closeAll() }
        lifecycle.listening(port: boundPort) { Self.stop(serverChannel, tracker) }

        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                try? await serverChannel.closeFuture.get()
                // Also when the listener closed for another reason: drain what is open.
                tracker.quiesceAll()
                await tracker.waitUntilDrained()
            } onCancel: {
                lifecycle.requestShutdown()
            }
        } onGracefulShutdown: {
            lifecycle.requestShutdown()
        }
        if lifecycle.wasCutByDrainTimer {
            shared.logger.warning("HTTP front closed connections still open after the drain timeout")
        }
        lifecycle.finished(failure: nil)
        shared.logger.info("HTTP front stopped", metadata: ["address": "\(host):\(boundPort)"])
    }

    /// The port the front listens on (the one the system chose when constructed with port 0);
    /// waits until `run()` has bound it, throws if binding failed or the front has stopped.
    public func listeningPort() async throws -> Int {
        try await lifecycle.listeningPort()
    }

    /// Stops accepting connections and lets in-flight requests finish (up to the drain
    /// timeout); `run()` then returns. Safe at any time and more than once, also before `run()`.
    /// For use outside a `ServiceGroup` (inside one, the group's graceful shutdown does this).
    public func triggerGracefulShutdown() {
        lifecycle.requestShutdown()
    }

    private static func stop(_ serverChannel: any Channel, _ tracker: ConnectionTracker) {
        serverChannel.close(promise: nil)
        tracker.quiesceAll()
    }
}

/// What every connection handler of one front shares; immutable.
final class FrontShared: Sendable {
    let policy: PolicyService
    let holder: SnapshotHolder
    let recorder: DecisionRecorder
    let prometheus: PrometheusCollectorRegistry
    let policyMetrics: PolicyMetrics
    let logger: Logger
    let configuration: HTTPFrontConfiguration
    let bodyReadTimeout: TimeAmount
    /// Body bytes buffered across this front's connections (`max_buffered_body_bytes`).
    let budget: BodyBudget

    init(policy: PolicyService, recorder: DecisionRecorder, prometheus: PrometheusCollectorRegistry,
         logger: Logger, configuration: HTTPFrontConfiguration) {
        self.policy = policy
        self.holder = policy.holder
        self.recorder = recorder
        self.prometheus = prometheus
        self.policyMetrics = PolicyMetrics(registry: prometheus)
        self.logger = logger
        self.configuration = configuration
        self.bodyReadTimeout = TimeAmount(configuration.bodyReadTimeout)
        let holder = policy.holder
        self.budget = BodyBudget { holder.snapshot.settings.limits.maxBufferedBodyBytes }
    }
}
