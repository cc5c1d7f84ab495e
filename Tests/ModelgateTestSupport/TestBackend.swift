import Foundation

/// Which database a parameterised suite runs against: SQLite by default; PostgreSQL with
/// `MODELGATE_TEST_BACKEND=postgres` (a fresh database per test on the process's shared
/// `PostgresCluster`). The same tests run on both; those that read SQLite's files are
/// SQLite-only. Asked for PostgreSQL without a server, every test fails (never a silent SQLite run).
public enum TestBackend {
    public static let postgres = ProcessInfo.processInfo.environment["MODELGATE_TEST_BACKEND"] == "postgres"
    public static var sqlite: Bool { !postgres }

    /// A fresh database for one test: `sqlitePath`, or on PostgreSQL the URL of a new database.
    public static func freshDatabase(sqlitePath: String) throws -> String {
        guard postgres else { return sqlitePath }
        guard let cluster = PostgresCluster.shared else {
            throw ClusterError("MODELGATE_TEST_BACKEND=postgres: \(PostgresCluster.skipMessage)")
        }
        return try cluster.createDatabase()
    }
}
