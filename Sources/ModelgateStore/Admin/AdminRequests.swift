/// What the admin operations take: the admin API's JSON and the CLI's flags both become these,
/// so one implementation serves both callers. A nil field on an update means "leave as is".

/// `POST /key/generate` and `modelgate key generate` (`KeyGenerateRequest`: `key` is the key to
/// register, nil to generate one), `POST /key/update` (`KeyUpdateRequest`: `key` is the raw key
/// or its hash). A field not given is nil: generate takes the default (no model limit, not
/// blocked, no expiry, empty metadata), update leaves the stored value; a given `metadata`
/// replaces the stored one (as LiteLLM's `/key/update` does).
public struct KeyRequest<Reference: Sendable>: PolicyFieldsRequest, Sendable {
    public var key: Reference
    public var alias: String?
    public var teamID: String?
    public var userID: String?
    public var expiry: KeyExpiry?
    public var policy = PolicyFields()

    public init(key: Reference) { self.key = key }
}

/// `POST /team/new`, `modelgate team new` (`TeamNewRequest`: a UUID is generated when
/// `teamID` is nil) and `POST|PATCH /team/update`, `modelgate team update`
/// (`TeamUpdateRequest`). Fields as for a key; on update, top-level `tags` and `model_config`
/// are written into the given metadata, or into the stored metadata when none is given.
public struct TeamRequest<ID: Sendable>: PolicyFieldsRequest, Sendable {
    public var teamID: ID
    public var alias: String?
    public var policy = PolicyFields()

    public init(teamID: ID) { self.teamID = teamID }
}

// Creating takes an optional id (nil: generated), changing a required one.
public typealias KeyGenerateRequest = KeyRequest<String?>
public typealias KeyUpdateRequest = KeyRequest<String>
public typealias TeamNewRequest = TeamRequest<String?>
public typealias TeamUpdateRequest = TeamRequest<String>

/// The fields a key and a team share. nil: not given (an update leaves the stored value).
public struct PolicyFields: ModelListRequest, Sendable {
    public var models: [String]?
    public var blocked: Bool?
    public var metadata: [String: JSONValue]?
    /// Top-level `tags`, stored as `metadata.tags`.
    public var tags: [String]?
    /// Top-level `model_config`, stored as `metadata.model_config`.
    public var modelConfig: JSONValue?

    public init() {}
}

/// A request with `PolicyFields`, read and written as its own fields (`request.models`).
@dynamicMemberLookup
public protocol PolicyFieldsRequest {
    var policy: PolicyFields { get set }
}

extension PolicyFieldsRequest {
    public subscript<Value>(dynamicMember field: WritableKeyPath<PolicyFields, Value>) -> Value {
        get { policy[keyPath: field] }
        set { policy[keyPath: field] = newValue }
    }
}

/// `POST /user/new`, `modelgate user new`.
public struct UserNewRequest: UserFieldsRequest, Sendable {
    /// Generated (a UUID) when not given.
    public var userID: String?
    public var alias: String?
    public var email: String?
    public var models: [String]?
    public var metadata: [String: JSONValue]?
    /// LiteLLM's `auto_create_key`: also make a key for the user (default, as in LiteLLM).
    public var createKey: Bool = true
    /// For the key made with the user.
    public var keyAlias: String?
    public var expiry: KeyExpiry = .never

    public init(userID: String? = nil, createKey: Bool = true) {
        self.userID = userID
        self.createKey = createKey
    }
}

/// `POST /user/update`, `modelgate user update`.
public struct UserUpdateRequest: UserFieldsRequest, Sendable {
    public var userID: String
    public var alias: String?
    public var email: String?
    public var models: [String]?
    public var metadata: [String: JSONValue]?

    public init(userID: String) { self.userID = userID }
}

/// The fields keys, teams and users share. nil: not given (an update leaves the stored value).
public protocol ModelListRequest {
    var models: [String]? { get set }
    var metadata: [String: JSONValue]? { get set }
}

/// The fields both user requests take.
public protocol UserFieldsRequest: ModelListRequest {
    var alias: String? { get set }
    var email: String? { get set }
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
