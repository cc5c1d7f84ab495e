import Foundation
import Logging
import ModelgateLiteLLM
import ModelgatePostgres
import PostgresNIO

/// Reads a LiteLLM proxy's PostgreSQL tables with plain SELECTs (a role with SELECT only is
/// enough), naming only the columns decisions need, so columns LiteLLM adds later are ignored.
///
/// Each row leaves PostgreSQL as `row_to_json` and is decoded through the row type's
/// `CodingKeys`, which name the columns. JSON columns are read as text and timestamps as seconds
/// since 1970: LiteLLM's `timestamp(3) without time zone` values hold UTC, and
/// `EXTRACT(EPOCH FROM …)` reads a timestamp without time zone exactly so.
public enum LiteLLMDatabaseReader {
    /// Every row the policy needs. Rotated keys past `revoke_at` are left out, as LiteLLM's own
    /// lookup leaves them out.
    public static func readAll(on connection: PostgresConnection, logger: Logger) async throws -> LiteLLMContents {
        var contents = LiteLLMContents.empty
        contents.keys = try await keys(on: connection, logger: logger)
        contents.deprecatedKeys = try await deprecatedKeys(on: connection, logger: logger)
        contents.teams = try await teams(on: connection, logger: logger)
        contents.users = try await users(on: connection, logger: logger)
        if try await canRead(memberTables, on: connection, logger: logger) {
            contents.teamMembers = try await teamMembers(on: connection, logger: logger)
        }
        contents.models = try await models(on: connection, logger: logger)
        contents.credentials = try await credentials(on: connection, logger: logger)
        return contents
    }

    /// Every key, or with `since` those changed after it.
    public static func keys(on connection: PostgresConnection, logger: Logger, since: Double? = nil) async throws -> [LiteLLMKeyRow] {
        try await rows(updatedSince: since, on: connection, logger: logger)
    }

    public static func deprecatedKeys(on connection: PostgresConnection, logger: Logger) async throws -> [LiteLLMDeprecatedKeyRow] {
        try await rows(where: "t.revoke_at > (now() AT TIME ZONE 'UTC')", on: connection, logger: logger)
    }

    /// Every team, or with `since` those changed after it.
    public static func teams(on connection: PostgresConnection, logger: Logger, since: Double? = nil) async throws -> [LiteLLMTeamRow] {
        try await rows(updatedSince: since, on: connection, logger: logger)
    }

    /// Every user, or with `since` those changed after it.
    public static func users(on connection: PostgresConnection, logger: Logger, since: Double? = nil) async throws -> [LiteLLMUserRow] {
        try await rows(updatedSince: since, on: connection, logger: logger)
    }

    /// Members with an own model list (a budget whose `allowed_models` is not empty).
    public static func teamMembers(on connection: PostgresConnection, logger: Logger) async throws -> [LiteLLMTeamMemberRow] {
        try await rows(where: withOwnModels, on: connection, logger: logger)
    }

    static let withOwnModels =
        #"EXISTS (SELECT 1 FROM "LiteLLM_BudgetTable" b WHERE b.budget_id = t.budget_id AND cardinality(b.allowed_models) > 0)"#

    /// A digest of every member's own model list, computed by PostgreSQL: a poll reads the lists
    /// only when it changed, so an unchanged set costs one row, not one a member.
    public static func teamMembersDigest(on connection: PostgresConnection, logger: Logger) async throws -> String {
        let sql = #"""
            SELECT COALESCE(md5(json_agg(json_build_array(t.team_id, t.user_id, b.allowed_models) ORDER BY t.team_id, t.user_id)::text), '')
            FROM "LiteLLM_TeamMembership" t JOIN "LiteLLM_BudgetTable" b ON b.budget_id = t.budget_id
            WHERE cardinality(b.allowed_models) > 0
            """#
        return try await strings(sql, on: connection, logger: logger).first ?? ""
    }

    /// In the order they were created.
    public static func models(on connection: PostgresConnection, logger: Logger) async throws -> [LiteLLMModelRow] {
        try await rows(orderBy: "t.created_at, t.model_id", on: connection, logger: logger)
    }

    public static func credentials(on connection: PostgresConnection, logger: Logger) async throws -> [LiteLLMCredentialRow] {
        try await rows(on: connection, logger: logger)
    }

    // MARK: Rows

    /// Columns LiteLLM's schema types `timestamp(3)`: read as seconds since 1970.
    static let timestampColumns: Set = ["expires", "updated_at", "created_at", "revoke_at"]
    /// Columns LiteLLM's schema types `jsonb`: read as their text.
    static let jsonColumns: Set = ["metadata", "config", "litellm_params", "model_info", "credential_values", "credential_info"]

    /// How a column is selected so that its JSON value decodes as the row's field.
    static func expression(for column: String) -> String {
        if timestampColumns.contains(column) { return "EXTRACT(EPOCH FROM \(column))::float8 AS \(column)" }
        if jsonColumns.contains(column) { return "\(column)::text AS \(column)" }
        switch column {
        case "models": return "COALESCE(models, '{}') AS models"
        case "blocked": return "COALESCE(blocked, false) AS blocked"
        case "allowed_models":
            return #"COALESCE((SELECT b.allowed_models FROM "LiteLLM_BudgetTable" b WHERE b.budget_id = t.budget_id), '{}') AS allowed_models"#
        default: return column
        }
    }

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }()

    /// `Row`'s table, the columns its coding keys name. With `since` (seconds since
    /// 1970) only rows whose `updated_at` is past it: `AT TIME ZONE 'UTC'` turns the watermark
    /// back into LiteLLM's UTC wall-clock timestamps.
    static func rows<Row: LiteLLMTableRow>(
        where condition: String? = nil, updatedSince since: Double? = nil, orderBy order: String? = nil,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> [Row] {
        let columns = Row.CodingKeys.allCases.map { expression(for: $0.rawValue) }.joined(separator: ", ")
        var sql = #"SELECT row_to_json(r)::text FROM "\#(Row.table)" t CROSS JOIN LATERAL (SELECT \#(columns)) r"#
        var conditions = condition.map { [$0] } ?? []
        var binds = PostgresBindings()
        if let since {
            conditions.append("t.updated_at > (to_timestamp($1) AT TIME ZONE 'UTC')")
            binds.append(since)
        }
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        if let order { sql += " ORDER BY " + order }
        var rows: [Row] = []
        for try await text in try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger).decode(String.self) {
            rows.append(try decoder.decode(Row.self, from: Data(text.utf8)))
        }
        return rows
    }

    // MARK: Polling

    /// The window reaches `overlap` seconds back, so a write stamped by a LiteLLM host whose clock
    /// runs slightly behind is still seen (upserts are idempotent).
    static let overlap = 2.0

    /// The archives LiteLLM writes on `/key/delete` and `/team/delete`.
    public static let archiveTables = ["LiteLLM_DeletedVerificationToken", "LiteLLM_DeletedTeamTable"]
    /// Where members' own model lists are.
    public static let memberTables = ["LiteLLM_TeamMembership", "LiteLLM_BudgetTable"]

    /// Whether this role may read every one of `tables`; false when it was not granted SELECT on
    /// one (SQLSTATE 42501). Other errors are thrown.
    public static func canRead(_ tables: [String], on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        for table in tables {
            do {
                _ = try await connection.query(PostgresQuery(unsafeSQL: #"SELECT 1 FROM "\#(table)" LIMIT 0"#), logger: logger).collect()
            } catch where DatabaseFailure.sqlState(of: error) == "42501" {
                return false
            }
        }
        return true
    }

    /// One poll: rows changed since the tracker's watermarks, the archives, the small tables and
    /// members' own model lists in full, and every token when a key was regenerated. Without the archives (`archives`
    /// false) deletions are found from every token and team id, read on each poll.
    public static func poll(
        _ tracker: LiteLLMChangeTracker, archives: Bool = true, teamMembers readMembers: Bool = true,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> LiteLLMPoll {
        var poll = LiteLLMPoll()
        poll.rows.keys = try await keys(on: connection, logger: logger, since: tracker.keysSeen - overlap)
        poll.rows.teams = try await teams(on: connection, logger: logger, since: tracker.teamsSeen - overlap)
        poll.rows.users = try await users(on: connection, logger: logger, since: tracker.usersSeen - overlap)
        if archives {
            poll.deletedKeyTokens = try await strings(
                #"SELECT d.token FROM "LiteLLM_DeletedVerificationToken" d WHERE d.deleted_at > (to_timestamp($1) AT TIME ZONE 'UTC') AND NOT EXISTS (SELECT 1 FROM "LiteLLM_VerificationToken" k WHERE k.token = d.token)"#,
                since: tracker.keysSeen - overlap - 60, on: connection, logger: logger)
            poll.deletedTeamIDs = try await strings(
                #"SELECT d.team_id FROM "LiteLLM_DeletedTeamTable" d WHERE d.deleted_at > (to_timestamp($1) AT TIME ZONE 'UTC') AND NOT EXISTS (SELECT 1 FROM "LiteLLM_TeamTable" t WHERE t.team_id = d.team_id)"#,
                since: tracker.teamsSeen - overlap - 60, on: connection, logger: logger)
        } else {
            poll.allTeamIDs = Set(try await strings(#"SELECT team_id FROM "LiteLLM_TeamTable""#, on: connection, logger: logger))
        }
        if readMembers {
            let digest = try await teamMembersDigest(on: connection, logger: logger)
            if digest != tracker.teamMembersDigest {
                poll.teamMembers = try await teamMembers(on: connection, logger: logger)
                poll.teamMembersDigest = digest
            }
        }
        poll.rows.deprecatedKeys = try await deprecatedKeys(on: connection, logger: logger)
        poll.rows.models = try await models(on: connection, logger: logger)
        poll.rows.credentials = try await credentials(on: connection, logger: logger)
        if !archives || tracker.needsTokenSet(for: poll.rows.keys) {
            poll.allTokens = Set(try await strings(#"SELECT token FROM "LiteLLM_VerificationToken""#, on: connection, logger: logger))
        }
        return poll
    }

    /// The one text column of `sql`'s rows; `since` is bound as `$1`.
    static func strings(_ sql: String, since: Double? = nil, on connection: PostgresConnection, logger: Logger) async throws -> [String] {
        var query = PostgresQuery(unsafeSQL: sql)
        if let since { query.binds.append(since) }
        var values: [String] = []
        for try await value in try await connection.query(query, logger: logger).decode(String.self) { values.append(value) }
        return values
    }
}
