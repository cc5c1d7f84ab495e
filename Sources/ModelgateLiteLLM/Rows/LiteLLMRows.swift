import struct Foundation.Date

// The columns of LiteLLM's tables that decisions need, as read (CONTRACT §9). Each row is
// decoded through its `CodingKeys`, which name LiteLLM's columns. JSON columns are kept as their
// text and read by `LiteLLMPolicyMapper`; timestamps are LiteLLM's `timestamp(3) without time
// zone`, which hold UTC, read as such by the database adapter. A null list column reads as
// empty and a null `blocked` as not blocked.

/// A row of one of LiteLLM's tables: its coding keys name the columns read.
public protocol LiteLLMTableRow: Sendable, Decodable {
    associatedtype CodingKeys: CodingKey & CaseIterable & RawRepresentable<String>
    /// The table's name in LiteLLM's schema.
    static var table: String { get }
}

/// `LiteLLM_VerificationToken`.
public struct LiteLLMKeyRow: LiteLLMTableRow, Equatable {
    public static let table = "LiteLLM_VerificationToken"
    /// Lower-case hex SHA-256 of the `sk-…` key.
    public var token: String
    public var keyAlias: String? = nil
    public var models: [String] = []
    public var teamID: String? = nil
    public var userID: String? = nil
    public var blocked = false
    public var expires: Date? = nil
    /// `metadata` (JSON text): `tags`, `model_config`.
    public var metadata: String? = nil
    /// `config` (JSON text): LiteLLM skips the key's model check when it is not empty.
    public var config: String? = nil
    public var updatedAt: Date? = nil
    /// Kept by `/key/regenerate`, which moves the row to a new token: a token not seen before
    /// on a row created well before its update is a regenerated key.
    public var createdAt: Date? = nil

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case token, keyAlias = "key_alias", models, teamID = "team_id", userID = "user_id", blocked, expires, metadata, config
        case updatedAt = "updated_at", createdAt = "created_at"
    }
}

/// `LiteLLM_DeprecatedVerificationToken`: a rotated-out key, valid with the active key's rights
/// until `revokeAt`.
public struct LiteLLMDeprecatedKeyRow: LiteLLMTableRow, Equatable {
    public static let table = "LiteLLM_DeprecatedVerificationToken"
    public var token: String
    public var activeToken: String
    public var revokeAt: Date

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case token, activeToken = "active_token_id", revokeAt = "revoke_at"
    }
}

/// `LiteLLM_TeamTable`.
public struct LiteLLMTeamRow: LiteLLMTableRow, Equatable {
    public static let table = "LiteLLM_TeamTable"
    public var teamID: String
    public var teamAlias: String? = nil
    public var models: [String] = []
    public var blocked = false
    /// `metadata` (JSON text): `tags`, `model_config`.
    public var metadata: String? = nil
    public var updatedAt: Date? = nil

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case teamID = "team_id", teamAlias = "team_alias", models, blocked, metadata
        case updatedAt = "updated_at"
    }
}

/// `LiteLLM_UserTable`.
public struct LiteLLMUserRow: LiteLLMTableRow, Equatable {
    public static let table = "LiteLLM_UserTable"
    public var userID: String
    public var models: [String] = []
    public var updatedAt: Date? = nil

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case userID = "user_id", models, updatedAt = "updated_at"
    }
}

/// `LiteLLM_TeamMembership` with a budget whose `allowed_models` (`LiteLLM_BudgetTable`) is not
/// empty: a member's own model list within the team.
public struct LiteLLMTeamMemberRow: LiteLLMTableRow, Equatable {
    public static let table = "LiteLLM_TeamMembership"
    public var userID: String
    public var teamID: String
    public var allowedModels: [String] = []

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case userID = "user_id", teamID = "team_id", allowedModels = "allowed_models"
    }
}

/// `LiteLLM_ProxyModelTable` (`store_model_in_db`): each `litellm_params` value encrypted.
public struct LiteLLMModelRow: LiteLLMTableRow, Equatable {
    public static let table = "LiteLLM_ProxyModelTable"
    public var modelID: String
    public var modelName: String
    /// `litellm_params` (JSON text).
    public var litellmParams: String
    /// `model_info` (JSON text): `access_groups`.
    public var modelInfo: String? = nil
    public var blocked = false
    public var updatedAt: Date? = nil

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case modelID = "model_id", modelName = "model_name", litellmParams = "litellm_params", modelInfo = "model_info"
        case blocked, updatedAt = "updated_at"
    }
}

/// `LiteLLM_CredentialsTable`: `credential_values` encrypted value by value.
public struct LiteLLMCredentialRow: LiteLLMTableRow, Equatable {
    public static let table = "LiteLLM_CredentialsTable"
    public var credentialName: String
    /// `credential_values` (JSON text).
    public var credentialValues: String
    /// `credential_info` (JSON text): `custom_llm_provider`.
    public var credentialInfo: String? = nil
    public var updatedAt: Date? = nil

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case credentialName = "credential_name", credentialValues = "credential_values", credentialInfo = "credential_info"
        case updatedAt = "updated_at"
    }
}

/// Everything read from a LiteLLM database at one time.
public struct LiteLLMContents: Sendable {
    public var keys: [LiteLLMKeyRow] = []
    public var deprecatedKeys: [LiteLLMDeprecatedKeyRow] = []
    public var teams: [LiteLLMTeamRow] = []
    public var users: [LiteLLMUserRow] = []
    public var teamMembers: [LiteLLMTeamMemberRow] = []
    public var models: [LiteLLMModelRow] = []
    public var credentials: [LiteLLMCredentialRow] = []
}

extension LiteLLMContents {
    public static var empty: LiteLLMContents { LiteLLMContents() }
}
