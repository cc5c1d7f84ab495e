/// What the admin operations take: the admin API's JSON and the CLI's flags both become these,
/// so one implementation serves both callers. A nil field on an update means "leave as is".

/// `POST /key/generate`, `modelgate key generate`.
public struct KeyGenerateRequest: Sendable {
    /// The key to register instead of a generated one (`sk-…`).
    public var key: String?
    public var alias: String?
    public var teamID: String?
    public var userID: String?
    public var models: [String] = []
    public var blocked: Bool = false
    public var expiry: KeyExpiry = .never
    public var metadata: [String: JSONValue] = [:]
    /// Top-level `tags`, stored as `metadata.tags`.
    public var tags: [String]?
    /// Top-level `model_config`, stored as `metadata.model_config`.
    public var modelConfig: JSONValue?

    public init() {}
}

/// `POST /key/update`.
public struct KeyUpdateRequest: Sendable {
    /// The raw key or its hash (`token`).
    public var key: String
    public var alias: String?
    public var teamID: String?
    public var userID: String?
    public var models: [String]?
    public var blocked: Bool?
    public var expiry: KeyExpiry?
    /// Replaces the stored metadata (as LiteLLM's `/key/update` does).
    public var metadata: [String: JSONValue]?
    public var tags: [String]?
    public var modelConfig: JSONValue?

    public init(key: String) { self.key = key }
}

/// `POST /team/new`, `modelgate team new`.
public struct TeamNewRequest: Sendable {
    /// Generated (a UUID) when not given.
    public var teamID: String?
    public var alias: String?
    public var models: [String] = []
    public var blocked: Bool = false
    public var metadata: [String: JSONValue] = [:]
    public var tags: [String]?
    public var modelConfig: JSONValue?

    public init() {}
}

/// `POST|PATCH /team/update`, `modelgate team update`.
public struct TeamUpdateRequest: Sendable {
    public var teamID: String
    public var alias: String?
    public var models: [String]?
    public var blocked: Bool?
    /// Replaces the stored metadata (as LiteLLM's `/team/update` does); top-level `tags` and
    /// `model_config` are written into it, or into the stored metadata when it is not given.
    public var metadata: [String: JSONValue]?
    public var tags: [String]?
    public var modelConfig: JSONValue?

    public init(teamID: String) { self.teamID = teamID }
}

/// `POST /user/new`.
public struct UserNewRequest: Sendable {
    /// Generated (a UUID) when not given.
    public var userID: String?
    public var alias: String?
    public var email: String?
    public var models: [String] = []
    public var metadata: [String: JSONValue] = [:]
    /// LiteLLM's `auto_create_key`: also make a key for the user (default, as in LiteLLM).
    public var createKey: Bool = true
    /// For the key made with the user.
    public var keyAlias: String?
    public var expiry: KeyExpiry = .never

    public init() {}
}

/// `POST /user/update`.
public struct UserUpdateRequest: Sendable {
    public var userID: String
    public var alias: String?
    public var email: String?
    public var models: [String]?
    public var metadata: [String: JSONValue]?

    public init(userID: String) { self.userID = userID }
}

/// `POST /credentials`, `modelgate credential add`.
public struct CredentialNewRequest: Sendable {
    public var name: String
    /// `credential_values`, e.g. `api_key`; encrypted before they reach the database.
    public var values: [String: String]
    /// `credential_info`, e.g. `custom_llm_provider` (not secret).
    public var info: [String: JSONValue]

    public init(name: String, values: [String: String], info: [String: JSONValue] = [:]) {
        self.name = name
        self.values = values
        self.info = info
    }
}

/// `PATCH /credentials/{name}`: given values and info fields are merged into the stored ones.
public struct CredentialPatchRequest: Sendable {
    public var name: String
    /// A new name (`credential_name` in the body), when it differs.
    public var newName: String?
    public var values: [String: String]?
    public var info: [String: JSONValue]?

    public init(name: String) { self.name = name }
}

/// A key just made: the raw key, shown this once, and what was stored.
public struct GeneratedKey: Sendable {
    public var key: String
    public var stored: StoredKey
}

/// A credential as listed: never its values, only their names.
public struct CredentialSummary: Sendable {
    public var name: String
    public var provider: String?
    public var info: [String: JSONValue]
    /// Names of the stored values (`api_key`, …); nil when they cannot be decrypted here.
    public var valueNames: [String]?
}
