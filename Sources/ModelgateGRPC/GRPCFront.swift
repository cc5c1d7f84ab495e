import GRPCCore
import GRPCNIOTransportHTTP2
import ModelgateCore
import ModelgateObservability
import Synchronization

/// The gRPC front: serves `envoy.service.auth.v3.Authorization/Check` for Envoy's `ext_authz`
/// filter (`grpc_service`, transport API v3) over plaintext HTTP/2.
///
/// It decides with the same engine and the same `SnapshotHolder` as the HTTP front, so both
/// answer every request alike and see a reload at the same moment.
///
/// ```swift
/// let front = GRPCFront(host: "127.0.0.1", port: 9191, snapshots: holder, recorder: recorder)
/// try await front.run()   // until cancelled or `beginGracefulShutdown()`
/// ```
public struct GRPCFront: Sendable {
    private let server: GRPCServer<HTTP2ServerTransport.Posix>
    private let lifecycle: Lifecycle

    /// - Parameters:
    ///   - host: A numeric IPv4 or IPv6 address (`127.0.0.1`, `::1`, `[::1]`, `0.0.0.0`) or `localhost`.
    ///   - port: The TCP port; 0 picks a free one (see `listeningPort`).
    ///   - snapshots: The policy shared with the HTTP front.
    ///   - recorder: Audit log and metrics, shared with the HTTP front.
    ///   - drainTimeout: How long a graceful shutdown waits for in-flight checks before it cuts
    ///     the remaining connections.
    public init(
        host: String, port: Int, snapshots: SnapshotHolder, recorder: DecisionRecorder,
        drainTimeout: Duration = .seconds(10)
    ) {
        let transport = HTTP2ServerTransport.Posix(
            address: Self.socketAddress(host: host, port: port),
            transportSecurity: .plaintext,
            config: Self.transportConfig(maxBodyBytes: snapshots.snapshot.settings.maxBodyBytes))
        server = GRPCServer(
            transport: transport,
            services: [AuthorizationService(snapshots: snapshots, recorder: recorder)])
        lifecycle = Lifecycle(drainTimeout: drainTimeout)
    }

    /// Serves until the task is cancelled or `beginGracefulShutdown()` is called, then stops
    /// accepting connections and RPCs, lets in-flight checks finish (up to the drain timeout)
    /// and returns. Throws when the address cannot be bound.
    public func run() async throws {
        let server = self.server
        let serving = Task {
            do {
                try await server.serve()
            } catch let error as RuntimeError where error.code == .serverIsStopped {
                // Shutdown was requested before the server started: nothing to serve.
            }
        }
        lifecycle.started(serving)
        defer { lifecycle.finished() }
        // Cancelling `run` must not cancel `serving` (that would cut in-flight RPCs); it starts
        // the same graceful shutdown as `beginGracefulShutdown()`. `Task.value` is not
        // interrupted by cancellation, so `run` returns only once the server has drained.
        try await withTaskCancellationHandler {
            try await serving.value
        } onCancel: {
            beginGracefulShutdown()
        }
    }

    /// Stops accepting new connections and RPCs; `run()` returns once in-flight checks are done.
    /// Safe to call at any time and more than once.
    public func beginGracefulShutdown() {
        server.beginGracefulShutdown()
        lifecycle.shutdownRequested()
    }

    /// The bound TCP port, once `run()` is listening (useful with port 0). Throws if the
    /// server failed to bind or has stopped.
    public var listeningPort: Int {
        get async throws {
            let address = try await server.transport.listeningAddress
            if let ipv4 = address.ipv4 { return ipv4.port }
            if let ipv6 = address.ipv6 { return ipv6.port }
            throw RuntimeError(code: .transportError, message: "gRPC front is not listening on a TCP address")
        }
    }

    static func socketAddress(host: String, port: Int) -> GRPCNIOTransportCore.SocketAddress {
        var host = host
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host == "localhost" { return .ipv4(host: "127.0.0.1", port: port) }
        return host.contains(":") ? .ipv6(host: host, port: port) : .ipv4(host: host, port: port)
    }

    /// Defaults that suit Envoy, which keeps a few long-lived HTTP/2 connections to its
    /// authorization cluster and multiplexes every check over them.
    static func transportConfig(maxBodyBytes: Int) -> HTTP2ServerTransport.Posix.Config {
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
            // A CheckRequest carries the body: without `pack_as_bytes` as UTF-8 text, where each
            // invalid byte grows to three. Larger messages are refused by the transport, which
            // Envoy turns into a 403; the engine's `body_too_large` is the clearer answer.
            let headroom = 1 << 20
            let textBody = maxBodyBytes > (Int.max - headroom) / 3 ? Int.max : maxBodyBytes * 3 + headroom
            config.rpc.maxRequestPayloadSize = max(64 << 20, textBody)
        }
    }
}

/// Ties a graceful shutdown to a cut-off: once shutdown is requested and the server is
/// running, a timer cancels the serving task (cutting still-open RPCs) after `drainTimeout`.
private final class Lifecycle: Sendable {
    private struct State {
        var serving: Task<Void, any Error>?
        var shutdownRequested = false
        var drainTimer: Task<Void, Never>?
    }

    private let state = Mutex(State())
    private let drainTimeout: Duration

    init(drainTimeout: Duration) {
        self.drainTimeout = drainTimeout
    }

    func started(_ serving: Task<Void, any Error>) {
        state.withLock { state in
            state.serving = serving
            armDrainTimerIfNeeded(&state)
        }
    }

    func shutdownRequested() {
        state.withLock { state in
            state.shutdownRequested = true
            armDrainTimerIfNeeded(&state)
        }
    }

    /// Called when serving has ended, so no timer outlives the server.
    func finished() {
        state.withLock { state in
            state.drainTimer?.cancel()
            state.serving = nil
        }
    }

    private func armDrainTimerIfNeeded(_ state: inout State) {
        guard state.shutdownRequested, state.drainTimer == nil, let serving = state.serving else { return }
        let timeout = drainTimeout
        state.drainTimer = Task {
            guard (try? await Task.sleep(for: timeout)) != nil else { return }
            serving.cancel()
        }
    }
}
