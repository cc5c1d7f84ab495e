import Foundation
import Logging
import PostgresNIO

/// The PostgreSQL schema, as an ordered list of migrations (the same tables as SQLite's
/// `PolicySchema`). A released migration never changes; a change is a new one appended.
///
/// Applied under a session advisory lock, so replicas that start together on an empty database
/// migrate it once: the first takes the lock and migrates, the others wait and find it done.
enum PostgresSchema {
    static let migrations: [(name: String, sql: [String])] = [
        ("v1: keys, teams, users, credentials, change log", [
            """
            CREATE TABLE team (
                team_id text PRIMARY KEY, team_alias text,
                models jsonb NOT NULL DEFAULT '[]', blocked boolean NOT NULL DEFAULT false,
                metadata jsonb NOT NULL DEFAULT '{}',
                created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL)
            """,
            """
            CREATE TABLE internal_user (
                user_id text PRIMARY KEY, user_alias text, user_email text,
                models jsonb NOT NULL DEFAULT '[]', metadata jsonb NOT NULL DEFAULT '{}',
                created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL)
            """,
            // `token` is the SHA-256 of the key in hex: the key itself is never stored.
            """
            CREATE TABLE virtual_key (
                token text PRIMARY KEY CHECK (length(token) = 64), key_name text NOT NULL,
                key_alias text UNIQUE, team_id text, user_id text,
                models jsonb NOT NULL DEFAULT '[]', blocked boolean NOT NULL DEFAULT false,
                expires timestamptz, metadata jsonb NOT NULL DEFAULT '{}',
                created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL)
            """,
            "CREATE INDEX virtual_key_team_id ON virtual_key (team_id)",
            "CREATE INDEX virtual_key_user_id ON virtual_key (user_id)",
            // `encrypted_values` is AES-GCM ciphertext of the JSON `credential_values`.
            """
            CREATE TABLE credential (
                credential_name text PRIMARY KEY, custom_llm_provider text,
                credential_info jsonb NOT NULL DEFAULT '{}', encrypted_values bytea NOT NULL,
                created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL)
            """,
            // One row per record written, in commit order (writers hold an advisory lock).
            """
            CREATE TABLE policy_change (
                version bigserial PRIMARY KEY, kind text NOT NULL, id text NOT NULL,
                changed_at timestamptz NOT NULL DEFAULT now())
            """,
            "CREATE TABLE policy_change_state (pruned_through bigint NOT NULL)",
            "INSERT INTO policy_change_state VALUES (0)",
        ]),
    ]

    /// Applies the migrations not yet applied, under `PostgresStorage.migrationLock`.
    static func migrate(_ link: PostgresLink, logger: Logger) throws {
        link.exclusive.lock()
        defer { link.exclusive.unlock() }
        let connection = try link.connection()
        _ = try link.run("SELECT pg_advisory_lock(\(PostgresStorage.migrationLock))", on: connection, timeout: 60)
        defer { _ = try? link.run("SELECT pg_advisory_unlock(\(PostgresStorage.migrationLock))", on: connection, timeout: 5) }
        _ = try link.run("""
            CREATE TABLE IF NOT EXISTS modelgate_migration (
                version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
            """, on: connection)
        let applied = try link.run("SELECT coalesce(max(version), 0) FROM modelgate_migration", on: connection)
        let done = try applied.first?.decode(Int.self) ?? 0
        guard done <= migrations.count else {
            throw PolicyStoreError("the database was migrated by a newer modelgate (schema version \(done); this one knows \(migrations.count))")
        }
        for (index, migration) in migrations.enumerated() where index + 1 > done {
            _ = try link.run("BEGIN", on: connection)
            do {
                for statement in migration.sql {
                    _ = try link.run(PostgresQuery(unsafeSQL: statement), on: connection)
                }
                _ = try link.run("INSERT INTO modelgate_migration (version, name) VALUES (\(index + 1), \(migration.name))", on: connection)
                _ = try link.run("COMMIT", on: connection)
            } catch {
                _ = try? link.run("ROLLBACK", on: connection, timeout: 2)
                throw error
            }
            logger.info("database migrated", metadata: ["migration": "\(migration.name)"])
        }
    }
}
