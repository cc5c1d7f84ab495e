import Foundation
import Logging
import ModelgateConfig
import ModelgateCore

/// Owns the policy a running modelgate serves: the config file, the SQLite store and the
/// snapshot holder both fronts read. Admin writes and SIGHUP reloads rebuild the snapshot here.
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
    /// The admin operations behind `admin`, for in-process callers.
    public let operations: AdminOperations
    /// The database file in use.
    public let store: PolicyStore

    let configPath: String?
    let environment: [String: String]
    let logger: Logger
    let builder: SnapshotBuilder

    /// Opens (creating and migrating) the database and loads the config.
    /// Throws with a clear message when either cannot be used; `serve` exits 2 on that.
    /// A config file that does not parse throws its `ConfigError` (every problem, located).
    public init(configPath: String?, databasePath: String, environment: [String: String], logger: Logger) throws {
        self.configPath = configPath
        self.environment = environment
        self.logger = logger
        let config = try configPath.map { try Self.loadConfig(at: $0, environment: environment, logger: logger) } ?? GatewayConfig()
        if configPath == nil {
            logger.notice("no config file: the model catalog is empty and every model request is denied")
        }
        store = try PolicyStore(path: databasePath)
        let cipher = CredentialCipher(environment: environment)
        if cipher == nil {
            logger.warning("\(CredentialCipher.environmentVariable) is not set: credentials cannot be stored, and stored ones stay unavailable")
        }
        holder = SnapshotHolder(.empty)
        let builder = SnapshotBuilder(
            holder: holder, store: store, cipher: cipher, config: config,
            environmentMasterKey: environment[Self.masterKeyVariable], logger: logger)
        self.builder = builder
        operations = AdminOperations(
            store: store, cipher: cipher, logger: logger,
            staticTeamIDs: { builder.configTeamIDs },
            didChange: { try builder.rebuild() })
        admin = AdminAPI(operations: operations, masterKey: { builder.masterKey })
        do {
            try builder.rebuild()
        } catch {
            throw PolicyServiceError("cannot read the database \(databasePath): \(PolicyStore.describe(error))")
        }
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

    /// SIGHUP: re-reads the config file (and the database, picking up offline CLI changes).
    /// An invalid file throws and leaves the old policy in force.
    public func reloadConfig() throws {
        let config = try configPath.map { try Self.loadConfig(at: $0, environment: environment, logger: logger) } ?? GatewayConfig()
        do {
            try builder.replaceConfig(config)
        } catch {
            throw PolicyServiceError("cannot read the database \(store.path): \(PolicyStore.describe(error))")
        }
        logger.info("policy reloaded", metadata: ["generation": "\(holder.snapshot.generation)"])
    }

    /// True once config and database are loaded (readiness). `init` either loads both or
    /// throws, so a constructed service is ready.
    public var isReady: Bool { holder.snapshot.generation > 0 }

    static func loadConfig(at path: String, environment: [String: String], logger: Logger) throws -> GatewayConfig {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw PolicyServiceError("cannot read the config file \(path): \(error.localizedDescription)")
        }
        let config = try GatewayConfig.parse(yaml: text, environment: environment)
        for section in config.ignoredSections {
            logger.info("config section not used by modelgate, ignored", metadata: ["section": "\(section)"])
        }
        for warning in config.warnings {
            logger.warning("config: \(warning)")
        }
        return config
    }
}

/// The service could not start or reload; the message says what and where.
public struct PolicyServiceError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
