import Foundation
import Logging
import ModelgateConfig
import ModelgateCore
import Synchronization

/// Builds policy snapshots from the config file's parts and the database's, and swaps them in.
///
/// Rebuilds are serialised by one lock that covers reading the database and the swap, so the
/// snapshot in force is always built from the newest committed state: a rebuild that started
/// after a write finished always sees that write, and two rebuilds cannot swap out of order.
/// Checks never take this lock; they read `holder`.
final class SnapshotBuilder: Sendable {
    let holder: SnapshotHolder
    let store: PolicyStore
    let cipher: CredentialCipher?
    let logger: Logger
    /// `MODELGATE_MASTER_KEY`, which wins over the config file's `general_settings.master_key`.
    let environmentMasterKey: String?

    private struct State {
        var config: GatewayConfig
        var generation: UInt64 = 0
        /// Stored credentials last reported unusable, so each is logged once, not per rebuild.
        var reportedUnavailable: [String: String] = [:]
    }

    private let state: Mutex<State>
    /// Read by the admin API on every request, so kept apart from the rebuild lock.
    private let configFacts: Mutex<(masterKey: String?, teamIDs: Set<String>)>

    init(holder: SnapshotHolder, store: PolicyStore, cipher: CredentialCipher?, config: GatewayConfig, environmentMasterKey: String?, logger: Logger) {
        self.holder = holder
        self.store = store
        self.cipher = cipher
        self.logger = logger
        self.environmentMasterKey = environmentMasterKey
        state = Mutex(State(config: config))
        configFacts = Mutex(Self.facts(of: config, environmentMasterKey: environmentMasterKey))
    }

    /// The master key in force: the environment's, else the config file's.
    var masterKey: String? { configFacts.withLock { $0.masterKey } }

    /// Team ids the config file defines (a key may name them).
    var configTeamIDs: Set<String> { configFacts.withLock { $0.teamIDs } }

    /// Re-reads the database and swaps in a new snapshot with the current config.
    func rebuild() throws {
        try state.withLock { state throws in
            try swap(&state, config: state.config)
        }
        FreedMemory.release()
    }

    /// Swaps in `config` with a fresh read of the database; on failure the old config and
    /// snapshot stay in force.
    func replaceConfig(_ config: GatewayConfig) throws {
        try state.withLock { state throws in
            try swap(&state, config: config)
            state.config = config
        }
        FreedMemory.release()
        configFacts.withLock { $0 = Self.facts(of: config, environmentMasterKey: environmentMasterKey) }
    }

    private func swap(_ state: inout State, config: GatewayConfig) throws {
        let contents = try store.read { db in try StoreContents.load(db, logger: logger) }
        let (storeParts, unavailable) = contents.policyParts(cipher: cipher, logger: logger)
        for (name, reason) in unavailable where state.reportedUnavailable[name] != reason {
            logger.error("stored credential unavailable; checks that need it deny credential_unavailable", metadata: [
                "credential_name": "\(name)", "reason": "\(reason)",
            ])
        }
        state.reportedUnavailable = unavailable
        // The database wins on the same name, also with a credential it cannot decrypt: that one
        // stays unavailable rather than fall back to a config secret nobody chose for it.
        let parts = config.parts.merging(storeParts)
        state.generation += 1
        holder.replace(with: PolicySnapshot(parts: parts, generation: state.generation, builtAt: Date()))
    }

    private static func facts(of config: GatewayConfig, environmentMasterKey: String?) -> (masterKey: String?, teamIDs: Set<String>) {
        let masterKey = [environmentMasterKey, config.masterKey].compactMap { $0 }.first { !$0.isEmpty }
        return (masterKey, Set(config.parts.teams.map(\.id)))
    }
}
