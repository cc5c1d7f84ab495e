import Foundation
import Logging
import ModelgateCore
import ModelgateLiteLLM
import ModelgateLiteLLMDatabase
import ModelgatePostgres
import ModelgateStore
import ServiceLifecycle
import Synchronization

extension LiteLLMDelta {
    /// The delta as policy changes, applied to the snapshot as one batch.
    var policyChanges: [PolicyChange] {
        var changes: [PolicyChange] = []
        changes += teams.upserted.map { .teamUpserted($0) }
        changes += teams.deleted.map { .teamDeleted(id: $0) }
        changes += users.upserted.map { .userUpserted($0) }
        changes += users.deleted.map { .userDeleted(id: $0) }
        changes += credentials.upserted.map { .credentialUpserted($0) }
        changes += credentials.deleted.map { .credentialDeleted(name: $0) }
        changes += keys.upserted.map { .keyUpserted($0) }
        changes += keys.deleted.map { .keyDeleted($0) }
        if let deployments { changes.append(.deploymentsReplaced(deployments)) }
        return changes
    }
}

/// `serve --litellm-database`: LiteLLM's database as the read-only policy source. Read whole at
/// start, then polled (`LiteLLMPolicySource`); each poll's delta is applied to the snapshot as
/// one batch. The config file's parts come first; LiteLLM's rows win on the same id, its DB
/// models follow the config's, and a user's models apply only to keys without a team (as
/// LiteLLM applies them).
final class LiteLLMFeed: Service, Sendable {
    static let readOnlyMessage =
        "keys, teams, users and credentials are managed in LiteLLM: modelgate reads LiteLLM's database read-only (--litellm-database)"

    let policy: PolicyService
    private let source: LiteLLMPolicySource
    private let initial: LiteLLMChangeTracker
    private let known: KnownRows

    /// The rows known now: what a full rebuild (SIGHUP) reads; the poll loop keeps it current.
    final class KnownRows: Sendable {
        let tracker = Mutex<LiteLLMChangeTracker?>(nil)
    }

    private init(policy: PolicyService, source: LiteLLMPolicySource, initial: LiteLLMChangeTracker, known: KnownRows) {
        self.policy = policy
        self.source = source
        self.initial = initial
        self.known = known
    }

    /// Loads the config, reads LiteLLM's database whole (retrying an unreachable one for
    /// `waitUpTo` seconds) and builds the first snapshot. Errors name the host, never the password.
    static func open(
        url: DatabaseURL, configPath: String?, environment: [String: String], logger: Logger, waitUpTo seconds: Double
    ) async throws -> LiteLLMFeed {
        let known = KnownRows()
        let policy = try PolicyService(
            configPath: configPath, readOnlyMessage: readOnlyMessage, location: "LiteLLM database \(url.endpoint)",
            environment: environment, logger: logger,
            sourceSettings: { $0.userModelsApplyToTeamKeys = false },
            load: {
                guard let tracker = known.tracker.withLock({ $0 }) else { return PolicyParts() }
                return tracker.mapper.parts(tracker.contents).parts
            })
        let saltKey = LiteLLMSaltKey.resolve(environment: environment, configMasterKey: policy.configMasterKey)
        if let saltKey {
            logger.info("LiteLLM salt key", metadata: ["from": "\(saltKey.origin.rawValue)"])
        } else {
            logger.warning("none of \(LiteLLMSaltKey.saltKeyVariable), general_settings.master_key, \(LiteLLMSaltKey.masterKeyVariable) is set: LiteLLM's encrypted values (DB model keys, credentials) cannot be read")
        }
        let mapper = LiteLLMPolicyMapper(cipher: saltKey.map { LiteLLMCipher(saltKey: $0) }, environment: environment)
        let source = LiteLLMPolicySource(url: url, mapper: mapper, logger: logger)
        let contents = try await source.load(waitUpTo: seconds)
        let tracker = LiteLLMChangeTracker(mapper: mapper, loaded: contents)
        for problem in mapper.parts(contents).problems {
            logger.warning("LiteLLM row not used as stored", metadata: ["row": "\(problem)"])
        }
        known.tracker.withLock { $0 = tracker }
        try policy.rebuild()
        policy.sourceSynchronised()
        let snapshot = policy.holder.snapshot
        logger.info("policy loaded from LiteLLM", metadata: [
            "database": "\(url.endpoint)", "keys": "\(snapshot.keys.count)", "teams": "\(snapshot.teams.count)",
            "users": "\(snapshot.users.count)", "deployments": "\(snapshot.catalog.deployments.count)",
        ])
        return LiteLLMFeed(policy: policy, source: source, initial: tracker, known: known)
    }

    func run() async throws {
        let policy = policy
        let known = known
        await cancelWhenGracefulShutdown { [source, initial] in
            await source.run(
                tracker: initial,
                // Kept before the delta is applied, so a rebuild in between reads the newer rows.
                tracked: { tracker in
                    known.tracker.withLock { $0 = tracker }
                    policy.sourceSynchronised()
                },
                deliver: { delta in policy.apply(delta.policyChanges) },
                failed: { reason in policy.sourceFailed(reason) })
        }
    }
}
