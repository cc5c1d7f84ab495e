import GRPCCore
import GRPCNIOTransportHTTP2
import Synchronization

/// The mutable side of a `GRPCFront`: where it is in its life, who waits for its port, and the
/// graceful-shutdown cut-off.
///
/// Shutdown is handed to the gRPC server only once it is listening: a server told to stop
/// before `serve()` got to bind never binds, and its transport's listening address would then
/// never resolve.
final class GRPCFrontLifecycle: Sendable {
    private enum Phase {
        case idle
        case starting
        case listening(port: Int, server: GRPCServer<HTTP2ServerTransport.Posix>)
        case stopped(failure: (any Error)?)
    }

    private struct State {
        var phase = Phase.idle
        var shutdownRequested = false
        var serving: Task<Void, any Error>?
        var drainTimer: Task<Void, Never>?
        var drainCut = false
        var portWaiters: [CheckedContinuation<Int, any Error>] = []
    }

    private let state = Mutex(State())
    private let drainTimeout: Duration

    init(drainTimeout: Duration) {
        self.drainTimeout = drainTimeout
    }

    /// False when shutdown was requested before the start: there is nothing to run.
    func beginRun() throws(GRPCFrontError) -> Bool {
        let outcome = state.withLock { state -> Result<Bool, GRPCFrontError> in
            guard case .idle = state.phase else { return .failure(.alreadyStarted) }
            if state.shutdownRequested {
                state.phase = .stopped(failure: nil)
                return .success(false)
            }
            state.phase = .starting
            return .success(true)
        }
        if case .success(false) = outcome { finished(failure: nil) }
        return try outcome.get()
    }

    func serving(_ task: Task<Void, any Error>) {
        state.withLock { state in
            state.serving = task
            armDrainTimerIfNeeded(&state)
        }
    }

    /// The listener is bound (`port`), or listening ended before it was (`nil`).
    func listening(port: Int?, server: GRPCServer<HTTP2ServerTransport.Posix>) {
        let (waiters, stopNow) = state.withLock { state -> ([CheckedContinuation<Int, any Error>], Bool) in
            guard let port, case .starting = state.phase else { return ([], false) }
            state.phase = .listening(port: port, server: server)
            defer { state.portWaiters = [] }
            return (state.portWaiters, state.shutdownRequested)
        }
        if let port { waiters.forEach { $0.resume(returning: port) } }
        if stopNow { server.beginGracefulShutdown() }
    }

    func requestShutdown() {
        let server = state.withLock { state -> GRPCServer<HTTP2ServerTransport.Posix>? in
            state.shutdownRequested = true
            armDrainTimerIfNeeded(&state)
            if case .listening(_, let server) = state.phase { return server }
            return nil
        }
        server?.beginGracefulShutdown()
    }

    func listeningPort() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let answer = state.withLock { state -> Result<Int, any Error>? in
                switch state.phase {
                case .listening(let port, _): return .success(port)
                case .stopped(let failure): return .failure(failure ?? GRPCFrontError.notRunning)
                case .idle, .starting:
                    state.portWaiters.append(continuation)
                    return nil
                }
            }
            if let answer { continuation.resume(with: answer) }
        }
    }

    /// Whether the drain timer cut the server: errors that follow are the cut, not a failure.
    var wasCutByDrainTimer: Bool {
        state.withLock { $0.drainCut }
    }

    /// `run()` is over: nobody waits for a port any more and no timer outlives the server.
    func finished(failure: (any Error)?) {
        let waiters = state.withLock { state -> [CheckedContinuation<Int, any Error>] in
            state.phase = .stopped(failure: failure)
            state.drainTimer?.cancel()
            state.serving = nil
            defer { state.portWaiters = [] }
            return state.portWaiters
        }
        waiters.forEach { $0.resume(throwing: failure ?? GRPCFrontError.notRunning) }
    }

    /// Once shutdown is requested and the server runs, cut it after `drainTimeout`.
    private func armDrainTimerIfNeeded(_ state: inout State) {
        guard state.shutdownRequested, state.drainTimer == nil, let serving = state.serving else { return }
        let timeout = drainTimeout
        state.drainTimer = Task { [self] in
            guard (try? await Task.sleep(for: timeout)) != nil else { return }
            self.state.withLock { $0.drainCut = true }
            serving.cancel()
        }
    }
}
