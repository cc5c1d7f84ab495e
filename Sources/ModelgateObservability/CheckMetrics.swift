import Atomics
import Metrics
import ModelgateCore

/// The check metrics, with their handles created once instead of on every check.
///
/// Creating a swift-metrics `Counter` looks the factory up under a lock and asks the registry,
/// which takes another; a check must not pay that. Handles for the fixed dimensions (front ×
/// outcome × reason) are made up front; per-model-group counters are made on first use and kept
/// in an immutable table swapped through one atomic reference, so reading them is lock-free.
///
/// Handles come from the factory given (by default the bootstrapped `MetricsSystem`'s, so make
/// it after `MetricsSystem.bootstrap`: handles made before that are no-ops).
final class CheckMetrics: Sendable {
    static let checksTotal = "modelgate_checks_total"
    static let checksByGroupTotal = "modelgate_checks_by_model_group_total"
    static let checkDuration = "modelgate_check_duration_seconds"

    /// The fronts whose handles are made up front; any other front still works, more slowly.
    static let knownFronts = ["http", "grpc"]

    private let factory: any MetricsFactory
    private let fronts: [String: FrontHandles]
    private let groups = ManagedAtomic(GroupTable())

    init(factory: any MetricsFactory) {
        self.factory = factory
        var fronts: [String: FrontHandles] = [:]
        for front in Self.knownFronts { fronts[front] = FrontHandles(front: front, factory: factory) }
        self.fronts = fronts
    }

    func record(_ decision: Decision, front: String, elapsedNanoseconds: UInt64) {
        let handles = fronts[front] ?? FrontHandles(front: front, factory: factory)
        if decision.allow {
            handles.allowed.increment()
        } else if let reason = decision.reason, let counter = handles.denied[reason] {
            counter.increment()
        } else {
            Counter(label: Self.checksTotal, dimensions: [("front", front), ("decision", "deny"), ("reason", "none")], factory: factory).increment()
        }
        handles.duration.recordNanoseconds(Int64(clamping: elapsedNanoseconds))
        if let group = decision.modelGroup {
            groupCounters(group)[decision.allow ? 0 : 1].increment()
        }
    }

    /// `[allow, deny]` counters of one model group.
    private func groupCounters(_ group: String) -> [Counter] {
        var table = groups.load(ordering: .acquiring)
        if let counters = table.counters[group] { return counters }
        let made = [
            Counter(label: Self.checksByGroupTotal, dimensions: [("model_group", group), ("decision", "allow")], factory: factory),
            Counter(label: Self.checksByGroupTotal, dimensions: [("model_group", group), ("decision", "deny")], factory: factory),
        ]
        // Copy-on-write insert; another thread may have swapped in a newer table meanwhile.
        while true {
            var counters = table.counters
            counters[group] = made
            let (exchanged, current) = groups.compareExchange(expected: table, desired: GroupTable(counters), ordering: .acquiringAndReleasing)
            if exchanged { return made }
            if let existing = current.counters[group] { return existing }
            table = current
        }
    }
}

/// Handles of one front.
private final class FrontHandles: Sendable {
    let allowed: Counter
    let denied: [DenyReason: Counter]
    let duration: Timer

    init(front: String, factory: any MetricsFactory) {
        allowed = Counter(label: CheckMetrics.checksTotal, dimensions: [("front", front), ("decision", "allow"), ("reason", "none")], factory: factory)
        var denied: [DenyReason: Counter] = [:]
        for reason in DenyReason.allCases {
            denied[reason] = Counter(label: CheckMetrics.checksTotal, dimensions: [("front", front), ("decision", "deny"), ("reason", reason.rawValue)], factory: factory)
        }
        self.denied = denied
        duration = Timer(label: CheckMetrics.checkDuration, dimensions: [("front", front)], factory: factory)
    }
}

/// An immutable model group → counters table.
private final class GroupTable: AtomicReference, Sendable {
    let counters: [String: [Counter]]
    init(_ counters: [String: [Counter]] = [:]) { self.counters = counters }
}
