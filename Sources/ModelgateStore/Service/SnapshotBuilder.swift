import Foundation
import Logging
import ModelgateConfig
import ModelgateCore
import Synchronization

/// Builds policy snapshots from the config file's parts and a policy source's (the database),
/// and swaps them in.
///
/// Two ways in, serialised by one lock that also covers the swap, so two never race and the
/// snapshot in force reflects them in the order they were applied:
/// - `apply(_:)` folds a batch of `PolicyChange`s into the snapshot in force: only the parts a
///   change touches are copied (one shard of the key table, the team, user or credential map),
///   everything else is shared with the previous snapshot. This is the path of every write.
/// - `rebuild()` and `replaceConfig(_:)` read the whole source (`load`) and build from scratch:
///   at start, on SIGHUP, and when a source sends `reloadAll`'s equivalent by being re-read.
///
/// On the same key hash, team id, user id or credential name the source wins over the config;
/// when the source's record goes, the config's comes back. Checks never take the lock; they
/// read `holder`, which each batch replaces with one atomic store.
public final class SnapshotBuilder: Sendable {
    /// What both fronts read.
    public let holder: SnapshotHolder
    let logger: Logger
    /// `MODELGATE_MASTER_KEY`, which wins over the config file's `general_settings.master_key`.
    let environmentMasterKey: String?
    /// Reads the source's whole contents (keys, teams, users, credentials, deployments).
    let load: @Sendable () throws -> PolicyParts
    /// What the source changes in the config's settings (LiteLLM's database: its own rule for
    /// user allowlists), applied on every full build.
    let sourceSettings: @Sendable (inout GateSettings) -> Void

    private struct State {
        var config: GatewayConfig
        /// The config's keys, teams, users and credentials by id: what a source delete falls
        /// back to.
        var configIndex: ConfigIndex
        var generation: UInt64 = 0
        /// Stored credentials last reported unusable, so each is logged once, not per change.
        var reportedUnavailable: [String: String] = [:]
    }

    private struct ConfigIndex {
        var keys: [KeyHash: VirtualKey] = [:]
        var teams: [String: Team] = [:]
        var users: [String: User] = [:]
        var credentials: [String: Credential] = [:]

        init(_ parts: PolicyParts) {
            for key in parts.keys { keys[key.hash] = key }
            for team in parts.teams { teams[team.id] = team }
            for user in parts.users { users[user.id] = user }
            for credential in parts.credentials { credentials[credential.name] = credential }
        }
    }

    private let state: Mutex<State>
    /// Read by the admin API on every request, so kept apart from the rebuild lock.
    private let configFacts: Mutex<(masterKey: String?, teamIDs: Set<String>)>

    /// - Parameters:
    ///   - load: the source's whole contents; deployments among them follow the config's.
    ///   - sourceSettings: the source's changes to the config's settings.
    public init(
        holder: SnapshotHolder, config: GatewayConfig, environmentMasterKey: String?, logger: Logger,
        sourceSettings: @escaping @Sendable (inout GateSettings) -> Void = { _ in },
        load: @escaping @Sendable () throws -> PolicyParts
    ) {
        self.holder = holder
        self.logger = logger
        self.environmentMasterKey = environmentMasterKey
        self.sourceSettings = sourceSettings
        self.load = load
        state = Mutex(State(config: config, configIndex: ConfigIndex(config.parts)))
        configFacts = Mutex(Self.facts(of: config, environmentMasterKey: environmentMasterKey))
    }

    /// The master key in force: the environment's, else the config file's.
    public var masterKey: String? { configFacts.withLock { $0.masterKey } }

    /// Team ids the config file defines (a key may name them).
    public var configTeamIDs: Set<String> { configFacts.withLock { $0.teamIDs } }

    /// Re-reads the whole source and swaps in a new snapshot with the current config.
    public func rebuild() throws {
        try state.withLock { state throws in
            let parts = try load()
            swapFull(&state, config: state.config, source: parts)
        }
        FreedMemory.release()
    }

    /// Swaps in `config` with a fresh read of the source; on failure the old config and
    /// snapshot stay in force.
    public func replaceConfig(_ config: GatewayConfig) throws {
        try state.withLock { state throws in
            let parts = try load()
            swapFull(&state, config: config, source: parts)
            state.config = config
            state.configIndex = ConfigIndex(config.parts)
        }
        FreedMemory.release()
        configFacts.withLock { $0 = Self.facts(of: config, environmentMasterKey: environmentMasterKey) }
    }

    /// Applies `changes` in order to the snapshot in force and swaps the result in at once.
    public func apply(_ changes: [PolicyChange]) {
        guard !changes.isEmpty else { return }
        var reloaded = false
        state.withLock { state in
            var working = Working(holder.snapshot)
            for change in changes {
                switch change {
                case .reloadAll(let parts):
                    working = Working(fullSnapshot(&state, config: state.config, source: parts, generation: 0))
                    reloaded = true
                case .keyUpserted(let key):
                    working.keys = working.keys.inserting(key)
                case .keyDeleted(let hash):
                    working.keys = state.configIndex.keys[hash].map(working.keys.inserting) ?? working.keys.removing(hash)
                case .teamUpserted(let team):
                    working.teams[team.id] = team
                case .teamDeleted(let id):
                    working.teams[id] = state.configIndex.teams[id]
                case .userUpserted(let user):
                    working.users[user.id] = user
                case .userDeleted(let id):
                    working.users[id] = state.configIndex.users[id]
                case .credentialUpserted(let credential):
                    report(credential.name, unavailable: credential.unavailableReason, in: &state)
                    working.credentials[credential.name] = credential
                case .credentialDeleted(let name):
                    state.reportedUnavailable[name] = nil
                    working.credentials[name] = state.configIndex.credentials[name]
                case .deploymentsReplaced(let deployments):
                    working.catalog = ModelCatalog(deployments: state.config.parts.deployments + deployments)
                case .sourceUnreachable(let lastSynchronised):
                    working.staleness = working.base.settings.maxPolicyStaleness.map { .after(lastSynchronised.addingTimeInterval($0)) }
                case .sourceReachable:
                    working.staleness = .current
                }
            }
            state.generation += 1
            holder.replace(with: working.snapshot(generation: state.generation))
        }
        if reloaded { FreedMemory.release() }
    }

    /// The parts of the snapshot in force a batch may replace. Each starts out sharing the
    /// snapshot's storage; the first change to a map copies that map, a key change one shard.
    private struct Working {
        let base: PolicySnapshot
        var catalog: ModelCatalog
        var keys: KeyTable
        var teams: [String: Team]
        var users: [String: User]
        var credentials: [String: Credential]
        var staleness: PolicySnapshot.Staleness?

        init(_ base: PolicySnapshot) {
            self.base = base
            catalog = base.catalog
            keys = base.keys
            teams = base.teams
            users = base.users
            credentials = base.credentials
        }

        func snapshot(generation: UInt64) -> PolicySnapshot {
            base.replacing(
                catalog: catalog, keys: keys, teams: teams, users: users, credentials: credentials,
                staleness: staleness, generation: generation, builtAt: Date())
        }
    }

    /// A snapshot built from scratch (not yet swapped in); records which stored credentials are
    /// unusable.
    private func fullSnapshot(_ state: inout State, config: GatewayConfig, source: PolicyParts, generation: UInt64) -> PolicySnapshot {
        var unavailable: [String: String] = [:]
        for credential in source.credentials {
            if let reason = credential.unavailableReason { unavailable[credential.name] = reason }
        }
        for (name, reason) in unavailable where state.reportedUnavailable[name] != reason {
            logUnavailable(name, reason)
        }
        state.reportedUnavailable = unavailable
        // The source wins on the same name, also with a credential it cannot decrypt: that one
        // stays unavailable rather than fall back to a config secret nobody chose for it.
        var parts = config.parts.merging(source)
        parts.deployments += source.deployments
        sourceSettings(&parts.settings)
        return PolicySnapshot(parts: parts, generation: generation, builtAt: Date())
    }

    private func swapFull(_ state: inout State, config: GatewayConfig, source: PolicyParts) {
        state.generation += 1
        holder.replace(with: fullSnapshot(&state, config: config, source: source, generation: state.generation))
    }

    private func report(_ name: String, unavailable reason: String?, in state: inout State) {
        if let reason, state.reportedUnavailable[name] != reason { logUnavailable(name, reason) }
        state.reportedUnavailable[name] = reason
    }

    private func logUnavailable(_ name: String, _ reason: String) {
        logger.error("stored credential unavailable; checks that need it deny credential_unavailable", metadata: [
            "credential_name": "\(name)", "reason": "\(reason)",
        ])
    }

    private static func facts(of config: GatewayConfig, environmentMasterKey: String?) -> (masterKey: String?, teamIDs: Set<String>) {
        let masterKey = [environmentMasterKey, config.masterKey].compactMap { $0 }.first { !$0.isEmpty }
        return (masterKey, Set(config.parts.teams.map(\.id)))
    }
}
