import struct Foundation.Date

// The columns of LiteLLM's tables that decisions need, as read (CONTRACT §9). JSON columns are
// kept as their text and read by `LiteLLMPolicyMapper`; timestamps are LiteLLM's `timestamp(3)
// without time zone`, which hold UTC, read as such by the database adapter.

/// `LiteLLM_VerificationToken`.
public struct LiteLLMKeyRow: Sendable, Equatable {
    /// Lower-case hex SHA-256 of the `sk-…` key.
    public var token: String
    public var keyAlias: String?
    public var models: [String]
    public var teamID: String?
    public var userID: String?
    public var organizationID: String?
    /// Nullable in LiteLLM's schema: null is not blocked.
    public var blocked: Bool?
    public var expires: Date?
    /// `metadata` (JSON text): `tags`, `model_config`.
    public var metadata: String?
    /// `config` (JSON text): LiteLLM skips the key's model check when it is not empty.
    public var config: String?
    public var updatedAt: Date?
    /// Kept by `/key/regenerate`, which moves the row to a new token: a token not seen before
    /// on a row created well before its update is a regenerated key.
    public var createdAt: Date?

    public init(
        token: String, keyAlias: String? = nil, models: [String] = [], teamID: String? = nil, userID: String? = nil,
        organizationID: String? = nil, blocked: Bool? = nil, expires: Date? = nil, metadata: String? = nil,
        config: String? = nil, updatedAt: Date? = nil, createdAt: Date? = nil
    ) {
        self.token = token
        self.keyAlias = keyAlias
        self.models = models
        self.teamID = teamID
        self.userID = userID
        self.organizationID = organizationID
        self.blocked = blocked
        self.expires = expires
        self.metadata = metadata
        self.config = config
        self.updatedAt = updatedAt
        self.createdAt = createdAt
    }
}

/// `LiteLLM_DeprecatedVerificationToken`: a rotated-out key, valid with the active key's rights
/// until `revokeAt`.
public struct LiteLLMDeprecatedKeyRow: Sendable, Equatable {
    public var token: String
    public var activeToken: String
    public var revokeAt: Date

    public init(token: String, activeToken: String, revokeAt: Date) {
        self.token = token
        self.activeToken = activeToken
        self.revokeAt = revokeAt
    }
}

/// `LiteLLM_TeamTable`.
public struct LiteLLMTeamRow: Sendable, Equatable {
    public var teamID: String
    public var teamAlias: String?
    public var organizationID: String?
    public var models: [String]
    public var blocked: Bool
    /// `metadata` (JSON text): `tags`, `model_config`.
    public var metadata: String?
    public var updatedAt: Date?

    public init(
        teamID: String, teamAlias: String? = nil, organizationID: String? = nil, models: [String] = [],
        blocked: Bool = false, metadata: String? = nil, updatedAt: Date? = nil
    ) {
        self.teamID = teamID
        self.teamAlias = teamAlias
        self.organizationID = organizationID
        self.models = models
        self.blocked = blocked
        self.metadata = metadata
        self.updatedAt = updatedAt
    }
}

/// `LiteLLM_UserTable`.
public struct LiteLLMUserRow: Sendable, Equatable {
    public var userID: String
    public var models: [String]
    public var updatedAt: Date?

    public init(userID: String, models: [String] = [], updatedAt: Date? = nil) {
        self.userID = userID
        self.models = models
        self.updatedAt = updatedAt
    }
}

/// `LiteLLM_OrganizationTable`.
public struct LiteLLMOrganizationRow: Sendable, Equatable {
    public var organizationID: String
    public var models: [String]
    public var updatedAt: Date?

    public init(organizationID: String, models: [String] = [], updatedAt: Date? = nil) {
        self.organizationID = organizationID
        self.models = models
        self.updatedAt = updatedAt
    }
}

/// `LiteLLM_ProxyModelTable` (`store_model_in_db`): each `litellm_params` value encrypted.
public struct LiteLLMModelRow: Sendable, Equatable {
    public var modelID: String
    public var modelName: String
    /// `litellm_params` (JSON text).
    public var litellmParams: String
    /// `model_info` (JSON text): `access_groups`.
    public var modelInfo: String?
    public var blocked: Bool
    public var updatedAt: Date?

    public init(modelID: String, modelName: String, litellmParams: String, modelInfo: String? = nil, blocked: Bool = false, updatedAt: Date? = nil) {
        self.modelID = modelID
        self.modelName = modelName
        self.litellmParams = litellmParams
        self.modelInfo = modelInfo
        self.blocked = blocked
        self.updatedAt = updatedAt
    }
}

/// `LiteLLM_CredentialsTable`: `credential_values` encrypted value by value.
public struct LiteLLMCredentialRow: Sendable, Equatable {
    public var credentialName: String
    /// `credential_values` (JSON text).
    public var credentialValues: String
    /// `credential_info` (JSON text): `custom_llm_provider`.
    public var credentialInfo: String?
    public var updatedAt: Date?

    public init(credentialName: String, credentialValues: String, credentialInfo: String? = nil, updatedAt: Date? = nil) {
        self.credentialName = credentialName
        self.credentialValues = credentialValues
        self.credentialInfo = credentialInfo
        self.updatedAt = updatedAt
    }
}

/// Everything read from a LiteLLM database at one time.
public struct LiteLLMContents: Sendable {
    public var keys: [LiteLLMKeyRow]
    public var deprecatedKeys: [LiteLLMDeprecatedKeyRow]
    public var teams: [LiteLLMTeamRow]
    public var users: [LiteLLMUserRow]
    public var organizations: [LiteLLMOrganizationRow]
    public var models: [LiteLLMModelRow]
    public var credentials: [LiteLLMCredentialRow]

    public init(
        keys: [LiteLLMKeyRow] = [], deprecatedKeys: [LiteLLMDeprecatedKeyRow] = [], teams: [LiteLLMTeamRow] = [],
        users: [LiteLLMUserRow] = [], organizations: [LiteLLMOrganizationRow] = [], models: [LiteLLMModelRow] = [],
        credentials: [LiteLLMCredentialRow] = []
    ) {
        self.keys = keys
        self.deprecatedKeys = deprecatedKeys
        self.teams = teams
        self.users = users
        self.organizations = organizations
        self.models = models
        self.credentials = credentials
    }
}
