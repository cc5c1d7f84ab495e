import Synchronization

/// The bytes all connections of one front may hold in request bodies together
/// (`max_buffered_body_bytes`): many slow or half-sent bodies cannot exhaust memory.
///
/// A reservation is taken before a body buffer grows and given back when it is let go; one
/// atomic counter, no lock.
final class BodyBudget: Sendable {
    private let used = Atomic<Int>(0)
    private let limit: @Sendable () -> Int

    /// `limit` is read on every reservation, so a config reload changes it for new bodies.
    init(limit: @escaping @Sendable () -> Int) {
        self.limit = limit
    }

    convenience init(limit: Int) {
        self.init(limit: { limit })
    }

    /// Bytes currently held.
    var inUse: Int { used.load(ordering: .relaxed) }

    /// Bytes that may still be reserved.
    var available: Int { Swift.max(0, limit() - inUse) }

    /// Takes `bytes` from the budget; false (and nothing taken) when that would pass the limit.
    func reserve(_ bytes: Int) -> Bool {
        guard bytes > 0 else { return true }
        let limit = limit()
        var current = used.load(ordering: .relaxed)
        while true {
            guard bytes <= limit - current else { return false }
            let (exchanged, original) = used.compareExchange(expected: current, desired: current + bytes, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
    }

    func release(_ bytes: Int) {
        guard bytes > 0 else { return }
        used.subtract(bytes, ordering: .relaxed)
    }
}
