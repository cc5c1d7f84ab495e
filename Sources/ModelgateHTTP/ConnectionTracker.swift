import NIOCore
import Synchronization

/// The open connections of one server, so shutdown can drain them.
///
/// Graceful shutdown sends each connection `ChannelShouldQuiesceEvent`: NIO's HTTP pipeline
/// handler then closes it at once when idle, or right after the response in flight. Touched
/// only when a connection opens or closes, never per request.
final class ConnectionTracker: Sendable {
    private struct State {
        var channels: [ObjectIdentifier: any Channel] = [:]
        /// Connections already told to quiesce: NIO asserts on a second notice.
        var quiesced: Set<ObjectIdentifier> = []
        var draining = false
        var drained: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// Starts tracking `channel`; one that opens during a drain is told to quiesce at once.
    func track(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        let draining = state.withLock { state in
            state.channels[id] = channel
            if state.draining { state.quiesced.insert(id) }
            return state.draining
        }
        channel.closeFuture.whenComplete { _ in self.forget(id) }
        if draining { channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent()) }
    }

    /// Asks every connection to finish its current request and close.
    /// Idempotent: each connection hears it once.
    func quiesceAll() {
        let channels = beginDrain()
        let unquiesced = state.withLock { state in
            channels.filter { state.quiesced.insert(ObjectIdentifier($0)).inserted }
        }
        for channel in unquiesced {
            channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        }
    }

    /// Closes every connection now (cancellation: no more waiting for in-flight requests).
    func closeAll() {
        for channel in beginDrain() { channel.close(promise: nil) }
    }

    /// Marks the drain begun; wakes the waiters when nothing is open.
    private func beginDrain() -> [any Channel] {
        let (channels, waiters) = state.withLock { state -> ([any Channel], [CheckedContinuation<Void, Never>]) in
            state.draining = true
            guard state.channels.isEmpty else { return (Array(state.channels.values), []) }
            defer { state.drained = [] }
            return ([], state.drained)
        }
        for waiter in waiters { waiter.resume() }
        return channels
    }

    /// Returns once a drain has begun and every connection has closed.
    func waitUntilDrained() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state in
                if state.draining && state.channels.isEmpty { return true }
                state.drained.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    private func forget(_ id: ObjectIdentifier) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.channels[id] = nil
            state.quiesced.remove(id)
            guard state.draining && state.channels.isEmpty else { return [] }
            defer { state.drained = [] }
            return state.drained
        }
        for waiter in waiters { waiter.resume() }
    }
}
