import Foundation
import GRDB
import ModelgateCore

// Each record has ONE mapping, its `CodingKeys`: the column names of both databases (GRDB's
// Codable records for SQLite, `row_to_json`/`json_populate_record` for PostgreSQL) and the
// field names of the admin API's answers (LiteLLM's).

/// A virtual key as stored: identified by the SHA-256 of the raw key, which is never kept.
/// Fields stand in the order of the `LiteLLM_VerificationToken` columns they are named after.
public struct StoredKey: Sendable, Codable, Equatable {
    public var hash: KeyHash
    /// LiteLLM's `key_name`: `sk-...` and the key's last four characters.
    public var keyName: String
    public var alias: String?
    public var expires: Date?
    public var models: [String]
    public var userID: String?
    public var teamID: String?
    /// Free-form, with `tags` and `model_config` read by policy.
    public var metadata: [String: JSONValue]
    public var blocked: Bool
    public var createdAt: Date
    public var updatedAt: Date

    public enum CodingKeys: String, CodingKey, CaseIterable, ColumnExpression {
        case hash = "token", keyName = "key_name", alias = "key_alias", expires, models
        case userID = "user_id", teamID = "team_id", metadata, blocked
        case createdAt = "created_at", updatedAt = "updated_at"
    }
}

/// A team as stored.
public struct StoredTeam: Sendable, Codable, Equatable {
    public var id: String
    public var alias: String?
    public var models: [String]
    public var blocked: Bool
    public var metadata: [String: JSONValue]
    public var createdAt: Date
    public var updatedAt: Date

    public enum CodingKeys: String, CodingKey, CaseIterable, ColumnExpression {
        case id = "team_id", alias = "team_alias", models, blocked, metadata
        case createdAt = "created_at", updatedAt = "updated_at"
    }
}

/// An internal user as stored.
public struct StoredUser: Sendable, Codable, Equatable {
    public var id: String
    public var alias: String?
    public var email: String?
    public var models: [String]
    public var metadata: [String: JSONValue]
    public var createdAt: Date
    public var updatedAt: Date

    public enum CodingKeys: String, CodingKey, CaseIterable, ColumnExpression {
        case id = "user_id", alias = "user_alias", email = "user_email", models, metadata
        case createdAt = "created_at", updatedAt = "updated_at"
    }
}

/// A provider credential as stored: its values only as ciphertext (never public).
public struct StoredCredential: Sendable, Codable, Equatable {
    var name: String
    /// `credential_info.custom_llm_provider`, kept in its own column for listing.
    var provider: String?
    /// Everything in `credential_info` (not secret).
    var info: [String: JSONValue]
    /// `CredentialCipher` output over the JSON of `credential_values`.
    var sealedValues: Data
    var createdAt: Date
    var updatedAt: Date

    public enum CodingKeys: String, CodingKey, CaseIterable, ColumnExpression {
        case name = "credential_name", provider = "custom_llm_provider", info = "credential_info"
        case sealedValues = "encrypted_values"
        case createdAt = "created_at", updatedAt = "updated_at"
    }
}

/// The four kinds of record, each with its table and the column that identifies a row.
public enum RecordKind: String, Sendable, CaseIterable {
    case key, team, user, credential

    var table: String {
        switch self {
        case .key: StoredKey.databaseTableName
        case .team: StoredTeam.databaseTableName
        case .user: StoredUser.databaseTableName
        case .credential: StoredCredential.databaseTableName
        }
    }

    var idColumn: String {
        switch self {
        case .key: StoredKey.CodingKeys.hash.rawValue
        case .team: StoredTeam.CodingKeys.id.rawValue
        case .user: StoredUser.CodingKeys.id.rawValue
        case .credential: StoredCredential.CodingKeys.name.rawValue
        }
    }
}

/// The SHA-256 as 64 hex digits, as stored in `token`.
extension KeyHash: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let hash = KeyHash(hex: text) else { throw DamagedRow(column: StoredKey.CodingKeys.hash.rawValue) }
        self = hash
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}

/// A stored row that does not decode (edited by hand, or written by a newer modelgate).
struct DamagedRow: Error, CustomStringConvertible {
    var column: String
    var description: String { "column \(column) does not hold what modelgate wrote there" }
}

// MARK: - GRDB (SQLite)

extension StoredKey: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "virtual_key"
}

extension StoredTeam: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "team"
}

extension StoredUser: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "internal_user"
}

extension StoredCredential: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "credential"
}
