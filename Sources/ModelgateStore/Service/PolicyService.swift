import Foundation
import Logging
import ModelgateConfig
import ModelgateCore
import Synchronization

/// Owns the policy a running modelgate serves: the config file, the SQLite store and the
/// snapshot holder both fronts read. Admin writes apply their changes to the snapshot here
/// (`apply`, touching only what changed); start and SIGHUP reloads build it from scratch.
///
/// The snapshot is the config file's parts merged with the database's (the database wins on
/// the same key hash, team, user or credential name). With no config file the catalog is
/// empty, so every model request is denied, but stored keys, teams and credentials still load.
public final class PolicyService: Sendable {
    /// The environment variable holding the admin API's master key.
    public static let masterKeyVariable = "MODELGATE_MASTER_KEY"

    /// What both fronts read on every check.
    public let holder: SnapshotHolder
    /// The admin API (LiteLLM shapes), answering for the HTTP front.
    public let admin: AdminAPI
    /// The admin operations behind `admin`, for in-process callers; nil in read-only mode.
    public let operations: AdminOperations!
    /// The database in use (SQLite file or PostgreSQL); nil in read-only mode.
    public let storage: (any PolicyStorage)!
    /// Brings the policy up to date from the database's change log (writes of this process,
    /// of the offline CLI, of other replicas); nil in read-only mode.
    public let follower: ChangeFollower!
    /// The config file's `general_settings.master_key` (LiteLLM derives its salt key from it).
    public let configMasterKey: String?
    /// Read-only mode: the policy source's health and last successful read, reported by the
    /// source itself (`sourceSynchronised`, `sourceFailed`).
    private let readOnlyHealth: DatabaseHealth?
    private let readOnlySynchronised = Mutex(Date())

    let configFile: ConfigFile
    let builder: SnapshotBuilder

    /// Opens (creating and migrating) the database and loads the config.
    /// Throws with a clear message when either cannot be used; `serve` exits 2 on that.
    /// A config file that does not parse throws its `ConfigError` (every problem, located).
    /// - Parameters:
    ///   - database: a SQLite path or a PostgreSQL URL (`DatabaseArgument`).
    ///   - follow: poll (and for PostgreSQL, LISTEN to) the change log on a background thread,
    ///     so writes made elsewhere are applied; off for one-shot commands.
    ///   - waitForDatabase: seconds to keep retrying an unreachable PostgreSQL at start.
    public convenience init(configPath: String?, databasePath: String, environment: [String: String], logger: Logger) throws {
        try self.init(configPath: configPath, database: databasePath, environment: environment, logger: logger)
    }

    public init(
        configPath: String?, database: String, environment: [String: String], logger: Logger,
        follow: Bool = false, waitForDatabase: Double = 0
    ) throws {
        configFile = ConfigFile(path: configPath, environment: environment, logger: logger)
        let config = try configFile.starting()
        configMasterKey = config.masterKey
        readOnlyHealth = nil
        let storage = try DatabaseArgument.open(database, logger: logger, waitUpTo: waitForDatabase)
        self.storage = storage
        let cipher = CredentialCipher(environment: environment)
        if cipher == nil {
            logger.warning("\(CredentialCipher.environmentVariable) is not set: credentials cannot be stored, and stored ones stay unavailable")
        }
        holder = SnapshotHolder(.empty)
        let builder = SnapshotBuilder(
            holder: holder, config: config, environmentMasterKey: environment[Self.masterKeyVariable], logger: logger
        ) {
            try storage.read { try StoreContents.load($0) }.policyParts(cipher: cipher, logger: logger).parts
        }
        self.builder = builder
        let follower = ChangeFollower(storage: storage, cipher: cipher, logger: logger) { changes in builder.apply(changes) }
        self.follower = follower
        operations = AdminOperations(
            storage: storage, cipher: cipher, logger: logger,
            staticTeamIDs: { builder.configTeamIDs },
            didCommit: { try follower.catchUp() })
        admin = AdminAPI(operations: operations, masterKey: { builder.masterKey })
        do {
            let version = try follower.latestVersion()
            try builder.rebuild()
            follower.loaded(through: version)
        } catch {
            throw PolicyServiceError("cannot read the database \(storage.location): \(SQLiteStorage.describe(error))")
        }
        if follow { follower.start() }
        if builder.masterKey == nil {
            logger.warning("no master key (\(Self.masterKeyVariable) or general_settings.master_key): the admin API answers 401")
        }
        let snapshot = holder.snapshot
        logger.info("policy loaded", metadata: [
            "deployments": "\(snapshot.catalog.deployments.count)", "keys": "\(snapshot.keys.count)",
            "teams": "\(snapshot.teams.count)", "users": "\(snapshot.users.count)",
            "credentials": "\(snapshot.credentials.count)", "generation": "\(snapshot.generation)",
        ])
    }

    /// Read-only mode: the policy comes from a source modelgate does not write (LiteLLM's
    /// database). No storage is opened or created; every admin route answers 405 with
    /// `readOnlyMessage`. The source reads itself and hands its changes to `apply`.
    /// - Parameters:
    ///   - location: where the source is, for error messages (never a password).
    ///   - sourceSettings: the source's changes to the config's settings.
    ///   - load: the source's whole contents as known now (start, SIGHUP).
    public init(
        configPath: String?, readOnlyMessage: String, location: String, environment: [String: String], logger: Logger,
        sourceSettings: @escaping @Sendable (inout GateSettings) -> Void,
        load: @escaping @Sendable () throws -> PolicyParts
    ) throws {
        configFile = ConfigFile(path: configPath, environment: environment, logger: logger)
        let config = try configFile.starting()
        configMasterKey = config.masterKey
        readOnlyHealth = DatabaseHealth()
        storage = nil
        follower = nil
        operations = nil
        holder = SnapshotHolder(.empty)
        let builder = SnapshotBuilder(
            holder: holder, config: config, environmentMasterKey: environment[Self.masterKeyVariable], logger: logger,
            sourceSettings: sourceSettings, load: load)
        self.builder = builder
        admin = AdminAPI(readOnlyMessage: readOnlyMessage, logger: logger, masterKey: { builder.masterKey })
        do {
            try builder.rebuild()
        } catch {
            throw PolicyServiceError("cannot read \(location): \(error)")
        }
    }

    /// The database's health (read-only mode: the source's, as it reports it).
    public var databaseHealth: DatabaseHealth { readOnlyHealth ?? storage.health }

    /// When the policy was last brought up to date with its source.
    public var lastSynchronised: Date { follower?.lastSynchronised ?? readOnlySynchronised.withLock { $0 } }

    /// Read-only mode: the source read successfully now.
    public func sourceSynchronised(at date: Date = Date()) {
        let returned = readOnlyHealth?.fault != nil
        readOnlyHealth?.recordSuccess()
        readOnlySynchronised.withLock { $0 = date }
        if returned { builder.apply([.sourceReachable]) }
    }

    /// Read-only mode: the source could not be read; `reason` names the place, never a secret.
    public func sourceFailed(_ reason: String, at date: Date = Date()) {
        let first = readOnlyHealth?.fault == nil
        readOnlyHealth?.recordFault(reason, at: date)
        if first { builder.apply([.sourceUnreachable(lastSynchronised: lastSynchronised)]) }
    }

    /// Re-reads the whole source with the config in force.
    public func rebuild() throws {
        try builder.rebuild()
    }

    /// SIGHUP: re-reads the config file (and the database, picking up offline CLI changes).
    /// An invalid file throws and leaves the old policy in force.
    public func reloadConfig() throws {
        let config = try configFile.load()
        do {
            try builder.replaceConfig(config)
        } catch {
            throw PolicyServiceError("cannot read the database \(storage.map { $0.location } ?? "source"): \(storage == nil ? "\(error)" : SQLiteStorage.describe(error))")
        }
        configFile.logger.info("policy reloaded", metadata: ["generation": "\(holder.snapshot.generation)"])
    }

    /// Applies a policy source's changes to the snapshot in force, as one swap. Changes are
    /// applied one batch at a time, in the order the calls take the builder's lock.
    public func apply(_ changes: [PolicyChange]) {
        builder.apply(changes)
    }

    /// True once config and database are loaded (readiness). `init` either loads both or
    /// throws, so a constructed service is ready.
    public var isReady: Bool { holder.snapshot.generation > 0 }
}

/// The service could not start or reload; the message says what and where.
public struct PolicyServiceError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
