import Synchronization

/// Where a front (HTTP or gRPC) is in its life, shared by both: who waits for its port, its
/// graceful shutdown, and the drain timeout that cuts what is still open after it.
///
/// A front runs once: `beginRun`, then `listening` once bound (or `finished` with the bind
/// error), `cuttable` once it can be cut, and `finished` when `run()` returns. A shutdown
/// requested at any point (also before the start) is carried out as soon as the front listens;
/// from then on, `drainTimeout` later, the cut runs.
public final class FrontLifecycle: Sendable {
    private enum Phase {
        case idle
        case starting
        case listening(port: Int)
        case stopped(failure: (any Error)?)
    }

    private struct State {
        var phase = Phase.idle
        var shutdownRequested = false
        var stop: (@Sendable () -> Void)?
        var cut: (@Sendable () -> Void)?
        var drainTimer: Task<Void, Never>?
        var drainCut = false
        var portWaiters: [CheckedContinuation<Int, any Error>] = []
    }

    private let state = Mutex(State())
    private let front: String
    public let drainTimeout: Duration

    /// - Parameters:
    ///   - front: `HTTP` or `gRPC`, for error messages.
    ///   - drainTimeout: How long a graceful shutdown waits before the cut.
    public init(front: String, drainTimeout: Duration) {
        self.front = front
        self.drainTimeout = drainTimeout
    }

    /// False when shutdown was requested before the start: there is nothing to run.
    public func beginRun() throws(FrontLifecycleError) -> Bool {
        let outcome = state.withLock { state -> Result<Bool, FrontLifecycleError> in
            guard case .idle = state.phase else { return .failure(.alreadyStarted(front: front)) }
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

    /// The front is bound to `port`; `stop` begins its graceful shutdown (called at once when
    /// one was already requested).
    public func listening(port: Int, stop: @escaping @Sendable () -> Void) {
        let (waiters, stopNow) = state.withLock { state -> ([CheckedContinuation<Int, any Error>], Bool) in
            guard case .starting = state.phase else { return ([], false) }
            state.phase = .listening(port: port)
            state.stop = stop
            armDrainTimerIfNeeded(&state)
            defer { state.portWaiters = [] }
            return (state.portWaiters, state.shutdownRequested)
        }
        waiters.forEach { $0.resume(returning: port) }
        if stopNow { stop() }
    }

    /// `cut` ends whatever is still open; run by the drain timer.
    public func cuttable(by cut: @escaping @Sendable () -> Void) {
        state.withLock { state in
            state.cut = cut
            armDrainTimerIfNeeded(&state)
        }
    }

    /// Begins a graceful shutdown. Safe at any time and more than once, also before the start.
    public func requestShutdown() {
        let stop = state.withLock { state -> (@Sendable () -> Void)? in
            guard !state.shutdownRequested else { return nil }
            state.shutdownRequested = true
            armDrainTimerIfNeeded(&state)
            return state.stop
        }
        stop?()
    }

    /// The bound port; waits until the front listens, throws if binding failed or it stopped.
    public func listeningPort() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let answer = state.withLock { state -> Result<Int, any Error>? in
                switch state.phase {
                case .listening(let port): return .success(port)
                case .stopped(let failure): return .failure(failure ?? FrontLifecycleError.notRunning(front: front))
                case .idle, .starting:
                    state.portWaiters.append(continuation)
                    return nil
                }
            }
            if let answer { continuation.resume(with: answer) }
        }
    }

    /// Whether the drain timer cut the front: errors that follow are the cut, not a failure.
    public var wasCutByDrainTimer: Bool {
        state.withLock { $0.drainCut }
    }

    /// `run()` is over: nobody waits for a port any more and no timer outlives the front.
    public func finished(failure: (any Error)?) {
        let waiters = state.withLock { state -> [CheckedContinuation<Int, any Error>] in
            state.phase = .stopped(failure: failure)
            state.drainTimer?.cancel()
            state.stop = nil
            state.cut = nil
            defer { state.portWaiters = [] }
            return state.portWaiters
        }
        waiters.forEach { $0.resume(throwing: failure ?? FrontLifecycleError.notRunning(front: front)) }
    }

    /// Once shutdown is requested and the front can be cut, cut it after `drainTimeout`.
    private func armDrainTimerIfNeeded(_ state: inout State) {
        guard state.shutdownRequested, state.drainTimer == nil, let cut = state.cut else { return }
        let timeout = drainTimeout
        state.drainTimer = Task { [self] in
            guard (try? await Task.sleep(for: timeout)) != nil else { return }
            self.state.withLock { $0.drainCut = true }
            cut()
        }
    }
}

/// Why a front's `run()` or `listeningPort()` could not do what was asked.
public enum FrontLifecycleError: Error, CustomStringConvertible {
    case alreadyStarted(front: String)
    case notRunning(front: String)

    public var description: String {
        switch self {
        case .alreadyStarted(let front): "the \(front) front was already started; a front runs once"
        case .notRunning(let front): "the \(front) front is not running"
        }
    }
}
