import Atomics

/// The one mutable thing on the hot path: an atomic reference to the current snapshot.
///
/// Checks `load` it (a single atomic read, no lock); admin writes and reloads `replace` it.
public final class SnapshotHolder: Sendable {
    private let current: ManagedAtomic<PolicySnapshot>

    public init(_ snapshot: PolicySnapshot) {
        current = ManagedAtomic(snapshot)
    }

    public var snapshot: PolicySnapshot { current.load(ordering: .acquiring) }

    public func replace(with snapshot: PolicySnapshot) {
        current.store(snapshot, ordering: .releasing)
    }
}

extension PolicySnapshot: AtomicReference {}
