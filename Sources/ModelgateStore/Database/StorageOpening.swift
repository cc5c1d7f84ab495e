import Foundation
import Logging
import ModelgatePostgres

/// `--database` and `MODELGATE_DATABASE_URL`: a SQLite file path or a PostgreSQL URL.
public enum DatabaseArgument {
    public static let environmentVariable = "MODELGATE_DATABASE_URL"
    public static let defaultPath = "./modelgate.sqlite"

    /// The flag wins over the environment; without either, the default file.
    public static func resolve(flag: String?, environment: [String: String]) -> String {
        if let flag { return flag }
        if let value = environment[environmentVariable], !value.isEmpty { return value }
        return defaultPath
    }

    /// True for a `postgres://` or `postgresql://` URL.
    public static func isURL(_ argument: String) -> Bool { DatabaseURL.looksLikeURL(argument) }

    /// What a log line may say about `argument`: a URL with its password as `***`.
    public static func printable(_ argument: String) -> String {
        guard isURL(argument) else { return argument }
        return (try? DatabaseURL(parsing: argument).redacted) ?? "(a database URL that does not parse)"
    }

    /// Opens the database `argument` names, creating and migrating it. A PostgreSQL database
    /// that cannot be reached is retried for `waitUpTo` seconds. Errors name the file or the
    /// host and the reason, never a password.
    public static func open(_ argument: String, logger: Logger, waitUpTo: Double = 0) throws(PolicyStoreError) -> any PolicyStorage {
        if isURL(argument) {
            let url: DatabaseURL
            do {
                url = try DatabaseURL(parsing: argument)
            } catch {
                throw PolicyStoreError(error.description)
            }
            return try PostgresStorage(url: url, logger: logger, waitUpTo: waitUpTo)
        }
        return try SQLiteStorage(path: argument, logger: logger)
    }
}
