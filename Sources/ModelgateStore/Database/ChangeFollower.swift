import Foundation
import Logging
import Metrics
import ModelgateCore
import Synchronization

/// Keeps a running policy in step with the database: reads the change log after the last
/// version applied, re-reads the current rows of the records named there, and hands them to
/// `apply` as `PolicyChange`s (a delete for a row that is gone). Changes are applied in version
/// order and always as the row now is, so every replica ends in the database's state whatever
/// order writes reached it in.
///
/// Runs on its own thread: it wakes when told (a local write, a PostgreSQL notification) and
/// polls the log every `pollInterval` otherwise, so a lost notification or a dropped connection
/// delays a change by at most that. A follower that fell behind the pruned part of the log (or
/// finds the log reset) reloads everything.
public final class ChangeFollower: Sendable {
    public static let defaultPollInterval: Double = 0.2
    /// More entries than this in one catch-up: reloading everything is cheaper.
    static let batchLimit = 20_000

    let storage: any PolicyStorage
    let cipher: CredentialCipher?
    let logger: Logger
    let pollInterval: Double
    let apply: @Sendable ([PolicyChange]) -> Void

    private struct State {
        var applied: Int64 = 0
        var lastAppliedAt = Date()
        var lastChangeAt = Date()
        var stopped = false
        var outage = false
    }

    private let state = Mutex(State())
    /// One catch-up at a time.
    private let catchingUp = NSLock()
    private let wakeUp = DispatchSemaphore(value: 0)
    private let metrics = FollowerMetrics()

    public init(
        storage: any PolicyStorage, cipher: CredentialCipher?, logger: Logger,
        pollInterval: Double = ChangeFollower.defaultPollInterval,
        apply: @escaping @Sendable ([PolicyChange]) -> Void
    ) {
        self.storage = storage
        self.cipher = cipher
        self.logger = logger
        self.pollInterval = pollInterval
        self.apply = apply
    }

    /// The highest log version: read before a full load, so nothing written during it is lost.
    public func latestVersion() throws -> Int64 {
        try storage.changes(after: .max, limit: 0).latest
    }

    /// Marks everything up to `version` as in the policy (after a full load).
    public func loaded(through version: Int64) {
        state.withLock {
            $0.applied = version
            $0.lastAppliedAt = Date()
        }
        metrics.applied(version: version, changes: 0)
    }

    /// The version applied last.
    public var appliedVersion: Int64 { state.withLock { $0.applied } }

    /// When the policy last caught up with the database (it is at most this old).
    public var lastSynchronised: Date { state.withLock { $0.lastAppliedAt } }

    /// Starts the polling thread.
    public func start() {
        let thread = Thread { [self] in run() }
        thread.name = "modelgate.follower"
        thread.start()
    }

    public func stop() {
        state.withLock { $0.stopped = true }
        wakeUp.signal()
    }

    /// Asks for a catch-up now (a notification arrived).
    public func wake() { wakeUp.signal() }

    private func run() {
        let wake: @Sendable () -> Void = { [wakeUp] in wakeUp.signal() }
        while !state.withLock({ $0.stopped }) {
            storage.keepWatching(wake: wake)
            _ = wakeUp.wait(timeout: .now() + pollInterval)
            if state.withLock({ $0.stopped }) { break }
            do {
                try catchUp()
            } catch {
                let first = state.withLock { state in
                    defer { state.outage = true }
                    return !state.outage
                }
                if first {
                    apply([.sourceUnreachable(lastSynchronised: lastSynchronised)])
                    logger.warning("policy updates paused: the database is unavailable; checks go on with the policy in force", metadata: ["error": "\(error)"])
                }
            }
            metrics.observe(databaseUp: storage.health.fault == nil, lastChange: state.withLock { $0.lastChangeAt }, lastSync: lastSynchronised)
        }
    }

    /// Applies every change after the last applied version; returns how many.
    @discardableResult
    public func catchUp() throws -> Int {
        catchingUp.lock()
        defer { catchingUp.unlock() }
        let applied = appliedVersion
        let slice = try storage.changes(after: applied, limit: Self.batchLimit)
        let wasOutage = state.withLock { $0.outage }
        if applied < slice.prunedThrough || slice.latest < applied || slice.entries.count >= Self.batchLimit {
            let contents = try storage.read { try StoreContents.load($0) }
            apply([.reloadAll(contents.policyParts(cipher: cipher, logger: logger).parts)])
            finish(version: slice.latest, changes: 1)
            logger.notice("policy reloaded from the database (the change log no longer covers the gap)", metadata: [
                "from_version": "\(applied)", "to_version": "\(slice.latest)",
            ])
            return 1
        }
        guard let last = slice.entries.last?.version else {
            if wasOutage {
                apply([.sourceReachable])
                finish(version: applied, changes: 0, caughtUpAfterOutage: true)
            }
            else { state.withLock { $0.lastAppliedAt = Date() } }
            return 0
        }
        // The latest entry per record decides where it goes in the batch.
        var order: [ChangeLogEntry] = []
        var seen = Set<String>()
        for entry in slice.entries.reversed() where seen.insert("\(entry.kind.rawValue):\(entry.id)").inserted {
            order.append(entry)
        }
        order.reverse()
        let changes = try storage.read { reader in try order.map { try change(for: $0, reader) } }
        apply(wasOutage ? changes + [.sourceReachable] : changes)
        finish(version: last, changes: changes.count, caughtUpAfterOutage: wasOutage)
        logger.debug("policy changes applied", metadata: ["changes": "\(changes.count)", "version": "\(last)"])
        return changes.count
    }

    private func finish(version: Int64, changes: Int, caughtUpAfterOutage: Bool = false) {
        state.withLock {
            $0.applied = version
            $0.lastAppliedAt = Date()
            if changes > 0 { $0.lastChangeAt = Date() }
            $0.outage = false
        }
        metrics.applied(version: version, changes: changes)
        if caughtUpAfterOutage {
            logger.notice("policy caught up after the database returned", metadata: ["changes": "\(changes)", "version": "\(version)"])
        }
    }

    /// The record as it now is, as a change; a delete when it is gone.
    private func change(for entry: ChangeLogEntry, _ reader: any StorageReader) throws -> PolicyChange {
        switch entry.kind {
        case .key:
            guard let hash = KeyHash(hex: entry.id) else { throw DamagedRow(column: "policy_change.id") }
            return try reader.key(hash).map { PolicyChange.stored($0, logger: logger) } ?? .keyDeleted(hash)
        case .team:
            return try reader.team(entry.id).map { PolicyChange.stored($0, logger: logger) } ?? .teamDeleted(id: entry.id)
        case .user:
            return try reader.user(entry.id).map { PolicyChange.stored($0) } ?? .userDeleted(id: entry.id)
        case .credential:
            return try reader.credential(entry.id).map { PolicyChange.stored($0, cipher: cipher) } ?? .credentialDeleted(name: entry.id)
        }
    }
}

/// `modelgate_policy_version` (last change log version applied),
/// `modelgate_policy_seconds_since_change` (since a change was last applied),
/// `modelgate_policy_age_seconds` (since the policy was last known to match the database),
/// `modelgate_database_up`, `modelgate_policy_changes_applied_total`.
struct FollowerMetrics: Sendable {
    let version = Gauge(label: "modelgate_policy_version")
    let sinceChange = Gauge(label: "modelgate_policy_seconds_since_change")
    let age = Gauge(label: "modelgate_policy_age_seconds")
    let databaseUp = Gauge(label: "modelgate_database_up")
    let changesApplied = Counter(label: "modelgate_policy_changes_applied_total")

    func applied(version: Int64, changes: Int) {
        self.version.record(Double(version))
        if changes > 0 { changesApplied.increment(by: changes) }
        sinceChange.record(0)
    }

    func observe(databaseUp: Bool, lastChange: Date, lastSync: Date) {
        self.databaseUp.record(databaseUp ? 1 : 0)
        sinceChange.record(max(0, Date().timeIntervalSince(lastChange)))
        age.record(max(0, Date().timeIntervalSince(lastSync)))
    }
}
