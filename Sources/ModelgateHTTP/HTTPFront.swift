import Logging
import ModelgateCore
import ModelgateObservability
import ModelgateStore
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus
import ServiceLifecycle
import Synchronization

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
    private let lifecycle = Mutex(Lifecycle())

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
    }

    /// Binds, serves until graceful shutdown (or task cancellation), and returns once every
    /// connection has closed. Throws when the address cannot be bound.
    public func run() async throws {
        let tracker = ConnectionTracker()
        let shared = self.shared
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
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                            withPipeliningAssistance: true, withErrorHandling: true)
                        try channel.pipeline.syncOperations.addHandler(HTTPFrontHandler(shared: shared))
                    }
                }
                .bind(host: host, port: port)
                .get()
        } catch {
            failWaiters(with: error)
            throw error
        }
        let boundPort = serverChannel.localAddress?.port ?? port
        shared.logger.info("HTTP front listening", metadata: ["address": "\(host):\(boundPort)"])
        let stopEarly = startListening(serverChannel: serverChannel, tracker: tracker, port: boundPort)
        if stopEarly { Self.stop(serverChannel, tracker) }

        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                try? await serverChannel.closeFuture.get()
                // Also when the listener closed for another reason: drain what is open.
                tracker.quiesceAll()
                await tracker.waitUntilDrained()
            } onCancel: {
                serverChannel.close(promise: nil)
                tracker.closeAll()
            }
        } onGracefulShutdown: {
            Self.stop(serverChannel, tracker)
        }
        lifecycle.withLock { $0.phase = .stopped }
        shared.logger.info("HTTP front stopped", metadata: ["address": "\(host):\(boundPort)"])
    }

    /// The port the front listens on (the one the system chose when constructed with port 0);
    /// waits until `run()` has bound it, throws if binding failed.
    public func listeningPort() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let answer = lifecycle.withLock { state -> Result<Int, any Error>? in
                switch state.phase {
                case .listening(_, _, let port): return .success(port)
                case .failed(let error): return .failure(error)
                case .stopped: return .failure(HTTPFrontError.notRunning)
                case .notStarted, .stopRequested:
                    state.portWaiters.append(continuation)
                    return nil
                }
            }
            if let answer { continuation.resume(with: answer) }
        }
    }

    /// Stops accepting connections and lets in-flight requests finish; `run()` then returns.
    /// For use outside a `ServiceGroup` (inside one, the group's graceful shutdown does this).
    public func triggerGracefulShutdown() {
        let running = lifecycle.withLock { state -> (any Channel, ConnectionTracker)? in
            switch state.phase {
            case .listening(let channel, let tracker, _): return (channel, tracker)
            case .notStarted:
                state.phase = .stopRequested
                return nil
            default: return nil
            }
        }
        if let (channel, tracker) = running { Self.stop(channel, tracker) }
    }

    private static func stop(_ serverChannel: any Channel, _ tracker: ConnectionTracker) {
        serverChannel.close(promise: nil)
        tracker.quiesceAll()
    }

    /// Records the bound listener, wakes `listeningPort()` callers; true when a shutdown was
    /// requested before the listener existed.
    private func startListening(serverChannel: any Channel, tracker: ConnectionTracker, port: Int) -> Bool {
        let (waiters, stopEarly) = lifecycle.withLock { state in
            let stopEarly = state.phase == .stopRequested
            state.phase = .listening(serverChannel, tracker, port)
            defer { state.portWaiters = [] }
            return (state.portWaiters, stopEarly)
        }
        for waiter in waiters { waiter.resume(returning: port) }
        return stopEarly
    }

    private func failWaiters(with error: any Error) {
        let waiters = lifecycle.withLock { state in
            state.phase = .failed(error)
            defer { state.portWaiters = [] }
            return state.portWaiters
        }
        for waiter in waiters { waiter.resume(throwing: error) }
    }

    private struct Lifecycle {
        enum Phase {
            case notStarted
            case stopRequested
            case listening(any Channel, ConnectionTracker, Int)
            case failed(any Error)
            case stopped

            static func == (lhs: Phase, rhs: Phase) -> Bool {
                if case .stopRequested = lhs, case .stopRequested = rhs { return true }
                return false
            }
        }

        var phase = Phase.notStarted
        var portWaiters: [CheckedContinuation<Int, any Error>] = []
    }
}

/// Why `listeningPort()` cannot answer.
public enum HTTPFrontError: Error, CustomStringConvertible {
    case notRunning

    public var description: String { "the HTTP front is not running" }
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
    }
}
