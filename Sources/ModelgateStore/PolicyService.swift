import Logging
import ModelgateConfig
import ModelgateCore

/// Owns the policy a running modelgate serves: the config file, the SQLite store and the
/// snapshot holder both fronts read. Admin writes and SIGHUP reloads rebuild the snapshot here.
///
/// API is fixed; the implementation lands with the service issue.
public final class PolicyService: Sendable {
    /// What both fronts read on every check.
    public let holder: SnapshotHolder
    /// The admin API (LiteLLM shapes), answering for the HTTP front.
    public let admin: AdminAPI

    /// Opens (creating and migrating) the database and loads the config.
    /// Throws with a clear message when either cannot be used; `serve` exits 2 on that.
    public init(configPath: String?, databasePath: String, environment: [String: String], logger: Logger) throws {
        holder = SnapshotHolder(.empty)
        admin = AdminAPI()
    }

    /// SIGHUP: re-reads the config file. An invalid file throws and leaves the old policy in force.
    public func reloadConfig() throws {}

    /// True once config and database are loaded (readiness).
    public var isReady: Bool { false }
}

/// One admin API answer: status and JSON body.
public struct AdminResponse: Sendable {
    public var status: Int
    public var body: String
    public init(status: Int, body: String) {
        self.status = status
        self.body = body
    }
}

/// The admin API of CONTRACT §5, transport-free: the HTTP front hands it every request.
public final class AdminAPI: Sendable {
    init() {}

    /// Answers an admin route (checking the master key itself), or nil when `path` is not one.
    public func handle(method: String, path: String, query: [(String, String)], headers: HeaderFields, body: [UInt8]) async -> AdminResponse? {
        nil
    }
}
