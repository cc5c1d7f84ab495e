/// One `model_list` entry: a deployment serving a model group through one provider.
public struct Deployment: Sendable {
    /// The group clients ask for (`model_name`).
    public var groupName: String
    public var provider: Provider
    /// Provider-native id with LiteLLM's route prefixes removed
    /// (`bedrock/converse/anthropic.x-v2:0` → `anthropic.x-v2:0`); `*` for a provider wildcard.
    public var modelID: String
    /// `litellm_params.model` exactly as configured.
    public var litellmModel: String
    /// `litellm_params.api_key`, already resolved from the environment.
    public var apiKey: Secret?
    /// Set when `api_key` reads `os.environ/NAME` and NAME was not set at load: the key is
    /// configured but unavailable, so choosing it denies `credential_unavailable`.
    public var unresolvedAPIKey: String?
    /// `litellm_params.litellm_credential_name`.
    public var credentialName: String?
    /// `litellm_params.tags` (tag filtering).
    public var tags: [String]
    /// `model_info.access_groups`.
    public var accessGroups: [String]

    public init(
        groupName: String, provider: Provider, modelID: String, litellmModel: String,
        apiKey: Secret? = nil, unresolvedAPIKey: String? = nil, credentialName: String? = nil, tags: [String] = [],
        accessGroups: [String] = []
    ) {
        self.groupName = groupName
        self.provider = provider
        self.modelID = modelID
        self.litellmModel = litellmModel
        self.apiKey = apiKey
        self.unresolvedAPIKey = unresolvedAPIKey
        self.credentialName = credentialName
        self.tags = tags
        self.accessGroups = accessGroups
    }

    /// `provider/id` as wildcards match it (`bedrock/us.anthropic.claude-sonnet-4-6`).
    public var providerQualifiedID: String { "\(provider.rawValue)/\(modelID)" }

    /// A deployment like `openai/*` serves every id of its provider.
    public var isProviderWildcard: Bool { modelID.containsByte(UInt8(ascii: "*")) }
}
