import GRDB

/// The database schema, as an ordered list of migrations.
///
/// A migration, once released, never changes: a schema change is a new migration appended
/// below, so every existing file is upgraded in the same steps on its next open.
enum PolicySchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: keys, teams, users, credentials") { db in
            // Teams before keys: keys name a team (which may also come from the config file,
            // so there is no foreign key).
            try db.create(table: "team") { t in
                t.primaryKey("team_id", .text)
                t.column("team_alias", .text)
                recordColumns(t, blocked: true)
            }
            try db.create(table: "internal_user") { t in
                t.primaryKey("user_id", .text)
                t.column("user_alias", .text)
                t.column("user_email", .text)
                recordColumns(t)
            }
            // `token` is the SHA-256 of the key in hex: the key itself is never stored.
            try db.create(table: "virtual_key") { t in
                t.primaryKey("token", .text).check { length($0) == 64 }
                t.column("key_name", .text).notNull()
                t.column("key_alias", .text).unique()
                t.column("team_id", .text).indexed()
                t.column("user_id", .text).indexed()
                recordColumns(t, blocked: true, expires: true)
            }
            // `encrypted_values` is AES-GCM ciphertext of the JSON `credential_values`.
            try db.create(table: "credential") { t in
                t.primaryKey("credential_name", .text)
                t.column("custom_llm_provider", .text)
                t.column("credential_info", .text).notNull().defaults(to: "{}")
                t.column("encrypted_values", .blob).notNull()
                t.column("created_at", .datetime).notNull()
                t.column("updated_at", .datetime).notNull()
            }
        }
        migrator.registerMigration("v2: change log") { db in
            // One row per record written, in commit order: what a running service applies.
            try db.create(table: "policy_change") { t in
                t.autoIncrementedPrimaryKey("version")
                t.column("kind", .text).notNull()
                t.column("id", .text).notNull()
                t.column("changed_at", .datetime).notNull()
            }
            try db.create(table: "policy_change_state") { t in
                t.column("pruned_through", .integer).notNull()
            }
            try db.execute(sql: "INSERT INTO policy_change_state (pruned_through) VALUES (0)")
        }
        return migrator
    }

    /// The columns a key, team or user record ends with, in this order (v1).
    private static func recordColumns(_ t: TableDefinition, blocked: Bool = false, expires: Bool = false) {
        t.column("models", .text).notNull().defaults(to: "[]")
        if blocked { t.column("blocked", .boolean).notNull().defaults(to: false) }
        if expires { t.column("expires", .datetime) }
        t.column("metadata", .text).notNull().defaults(to: "{}")
        t.column("created_at", .datetime).notNull()
        t.column("updated_at", .datetime).notNull()
    }
}
