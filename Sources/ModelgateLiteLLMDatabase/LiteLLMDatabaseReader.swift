import Foundation
import Logging
import ModelgateLiteLLM
import PostgresNIO

/// Reads a LiteLLM proxy's PostgreSQL tables with plain SELECTs (a role with SELECT only is
/// enough), naming only the columns decisions need, so columns LiteLLM adds later are ignored.
///
/// JSON columns are read as text and timestamps as seconds since 1970: LiteLLM's
/// `timestamp(3) without time zone` values hold UTC, and `EXTRACT(EPOCH FROM …)` reads a
/// timestamp without time zone exactly so.
public enum LiteLLMDatabaseReader {
    /// Every row the policy needs. Rotated keys past `revoke_at` are left out, as LiteLLM's own
    /// lookup leaves them out.
    public static func readAll(on connection: PostgresConnection, logger: Logger) async throws -> LiteLLMContents {
        var contents = LiteLLMContents()
        contents.keys = try await keys(on: connection, logger: logger)
        contents.deprecatedKeys = try await deprecatedKeys(on: connection, logger: logger)
        contents.teams = try await teams(on: connection, logger: logger)
        contents.users = try await users(on: connection, logger: logger)
        contents.organizations = try await organizations(on: connection, logger: logger)
        contents.models = try await models(on: connection, logger: logger)
        contents.credentials = try await credentials(on: connection, logger: logger)
        return contents
    }

    static func date(_ seconds: Double?) -> Date? { seconds.map { Date(timeIntervalSince1970: $0) } }

    /// `sql` alone, or, with `since`, only its rows whose `updated_at` is past `since` (seconds
    /// since 1970). `AT TIME ZONE 'UTC'` turns the watermark back into LiteLLM's UTC wall-clock
    /// timestamps.
    static func selecting(_ sql: String, updatedSince since: Double?) -> PostgresQuery {
        guard let since else { return PostgresQuery(unsafeSQL: sql) }
        var query = PostgresQuery(unsafeSQL: sql + " WHERE updated_at > (to_timestamp($1) AT TIME ZONE 'UTC')")
        query.binds.append(since)
        return query
    }

    /// Every key, or with `since` those changed after it.
    public static func keys(on connection: PostgresConnection, logger: Logger, since: Double? = nil) async throws -> [LiteLLMKeyRow] {
        let rows = try await connection.query(selecting("""
            SELECT token, key_alias, models, team_id, user_id, organization_id, blocked,
                   EXTRACT(EPOCH FROM expires)::float8, metadata::text, config::text, EXTRACT(EPOCH FROM updated_at)::float8,
                   EXTRACT(EPOCH FROM created_at)::float8
            FROM "LiteLLM_VerificationToken"
            """, updatedSince: since), logger: logger)
        var keys: [LiteLLMKeyRow] = []
        for try await (token, alias, models, team, user, organization, blocked, expires, metadata, config, updated, created) in rows.decode(
            (String, String?, [String]?, String?, String?, String?, Bool?, Double?, String?, String?, Double?, Double?).self)
        {
            keys.append(LiteLLMKeyRow(
                token: token, keyAlias: alias, models: models ?? [], teamID: team, userID: user, organizationID: organization,
                blocked: blocked, expires: date(expires), metadata: metadata, config: config, updatedAt: date(updated),
                createdAt: date(created)))
        }
        return keys
    }

    public static func deprecatedKeys(on connection: PostgresConnection, logger: Logger) async throws -> [LiteLLMDeprecatedKeyRow] {
        let rows = try await connection.query("""
            SELECT token, active_token_id, EXTRACT(EPOCH FROM revoke_at)::float8
            FROM "LiteLLM_DeprecatedVerificationToken"
            WHERE revoke_at > (now() AT TIME ZONE 'UTC')
            """, logger: logger)
        var keys: [LiteLLMDeprecatedKeyRow] = []
        for try await (token, active, revokeAt) in rows.decode((String, String, Double).self) {
            keys.append(LiteLLMDeprecatedKeyRow(token: token, activeToken: active, revokeAt: Date(timeIntervalSince1970: revokeAt)))
        }
        return keys
    }

    /// Every team, or with `since` those changed after it.
    public static func teams(on connection: PostgresConnection, logger: Logger, since: Double? = nil) async throws -> [LiteLLMTeamRow] {
        let rows = try await connection.query(selecting("""
            SELECT team_id, team_alias, organization_id, models, blocked, metadata::text, EXTRACT(EPOCH FROM updated_at)::float8
            FROM "LiteLLM_TeamTable"
            """, updatedSince: since), logger: logger)
        var teams: [LiteLLMTeamRow] = []
        for try await (id, alias, organization, models, blocked, metadata, updated) in rows.decode(
            (String, String?, String?, [String]?, Bool?, String?, Double?).self)
        {
            teams.append(LiteLLMTeamRow(
                teamID: id, teamAlias: alias, organizationID: organization, models: models ?? [], blocked: blocked == true,
                metadata: metadata, updatedAt: date(updated)))
        }
        return teams
    }

    /// Every user, or with `since` those changed after it.
    public static func users(on connection: PostgresConnection, logger: Logger, since: Double? = nil) async throws -> [LiteLLMUserRow] {
        try await modelLists(#"SELECT user_id, models, EXTRACT(EPOCH FROM updated_at)::float8 FROM "LiteLLM_UserTable""#, since: since,
                             on: connection, logger: logger)
            .map { LiteLLMUserRow(userID: $0.id, models: $0.models, updatedAt: $0.updated) }
    }

    public static func organizations(on connection: PostgresConnection, logger: Logger) async throws -> [LiteLLMOrganizationRow] {
        try await modelLists(#"SELECT organization_id, models, EXTRACT(EPOCH FROM updated_at)::float8 FROM "LiteLLM_OrganizationTable""#,
                             since: nil, on: connection, logger: logger)
            .map { LiteLLMOrganizationRow(organizationID: $0.id, models: $0.models, updatedAt: $0.updated) }
    }

    /// Rows of (id, models, updated_at): users and organizations. A null `models` is empty.
    static func modelLists(_ sql: String, since: Double?, on connection: PostgresConnection, logger: Logger) async throws
        -> [(id: String, models: [String], updated: Date?)]
    {
        var lists: [(id: String, models: [String], updated: Date?)] = []
        let rows = try await connection.query(selecting(sql, updatedSince: since), logger: logger)
        for try await (id, models, updated) in rows.decode((String, [String]?, Double?).self) {
            lists.append((id, models ?? [], date(updated)))
        }
        return lists
    }

    public static func models(on connection: PostgresConnection, logger: Logger) async throws -> [LiteLLMModelRow] {
        let rows = try await connection.query("""
            SELECT model_id, model_name, litellm_params::text, model_info::text, blocked, EXTRACT(EPOCH FROM updated_at)::float8
            FROM "LiteLLM_ProxyModelTable" ORDER BY created_at, model_id
            """, logger: logger)
        var models: [LiteLLMModelRow] = []
        for try await (id, name, params, info, blocked, updated) in rows.decode((String, String, String, String?, Bool?, Double?).self) {
            models.append(LiteLLMModelRow(
                modelID: id, modelName: name, litellmParams: params, modelInfo: info, blocked: blocked == true, updatedAt: date(updated)))
        }
        return models
    }

    public static func credentials(on connection: PostgresConnection, logger: Logger) async throws -> [LiteLLMCredentialRow] {
        let rows = try await connection.query("""
            SELECT credential_name, credential_values::text, credential_info::text, EXTRACT(EPOCH FROM updated_at)::float8
            FROM "LiteLLM_CredentialsTable"
            """, logger: logger)
        var credentials: [LiteLLMCredentialRow] = []
        for try await (name, values, info, updated) in rows.decode((String, String, String?, Double?).self) {
            credentials.append(LiteLLMCredentialRow(credentialName: name, credentialValues: values, credentialInfo: info, updatedAt: date(updated)))
        }
        return credentials
    }

    // MARK: Polling

    /// The window reaches `overlap` seconds back, so a write stamped by a LiteLLM host whose clock
    /// runs slightly behind is still seen (upserts are idempotent).
    static let overlap = 2.0

    /// One poll: rows changed since the tracker's watermarks, the archives, the small tables in
    /// full, and every token when a key was regenerated.
    public static func poll(_ tracker: LiteLLMChangeTracker, on connection: PostgresConnection, logger: Logger) async throws -> LiteLLMPoll {
        var poll = LiteLLMPoll()
        poll.changedKeys = try await keys(on: connection, logger: logger, since: tracker.keysSeen - overlap)
        poll.changedTeams = try await teams(on: connection, logger: logger, since: tracker.teamsSeen - overlap)
        poll.changedUsers = try await users(on: connection, logger: logger, since: tracker.usersSeen - overlap)
        poll.deletedKeyTokens = try await archived(
            #"SELECT d.token FROM "LiteLLM_DeletedVerificationToken" d WHERE d.deleted_at > (to_timestamp($1) AT TIME ZONE 'UTC') AND NOT EXISTS (SELECT 1 FROM "LiteLLM_VerificationToken" k WHERE k.token = d.token)"#,
            since: tracker.keysSeen - overlap - 60, on: connection, logger: logger)
        poll.deletedTeamIDs = try await archived(
            #"SELECT d.team_id FROM "LiteLLM_DeletedTeamTable" d WHERE d.deleted_at > (to_timestamp($1) AT TIME ZONE 'UTC') AND NOT EXISTS (SELECT 1 FROM "LiteLLM_TeamTable" t WHERE t.team_id = d.team_id)"#,
            since: tracker.teamsSeen - overlap - 60, on: connection, logger: logger)
        poll.deprecatedKeys = try await deprecatedKeys(on: connection, logger: logger)
        poll.models = try await models(on: connection, logger: logger)
        poll.credentials = try await credentials(on: connection, logger: logger)
        if tracker.needsTokenSet(for: poll.changedKeys) {
            poll.allTokens = try await allTokens(on: connection, logger: logger)
        }
        return poll
    }

    static func archived(_ sql: String, since: Double, on connection: PostgresConnection, logger: Logger) async throws -> [String] {
        var query = PostgresQuery(unsafeSQL: sql)
        query.binds.append(since)
        var ids: [String] = []
        for try await id in try await connection.query(query, logger: logger).decode(String.self) { ids.append(id) }
        return ids
    }

    static func allTokens(on connection: PostgresConnection, logger: Logger) async throws -> Set<String> {
        var tokens = Set<String>()
        for try await token in try await connection.query(#"SELECT token FROM "LiteLLM_VerificationToken""#, logger: logger).decode(String.self) {
            tokens.insert(token)
        }
        return tokens
    }
}
