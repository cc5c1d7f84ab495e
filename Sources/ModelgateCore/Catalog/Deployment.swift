/// One `model_list` entry: a deployment serving a model group through one provider.
///
/// A class: the catalog never changes one after the snapshot is built, and the hot path reads
/// several fields of the chosen deployment; a struct of nine references was copied (nine
/// retains and releases) at every such read.
public final class Deployment: Sendable {
    /// The group clients ask for (`model_name`).
    public let groupName: String
    public let provider: Provider
    /// Provider-native id with LiteLLM's route prefixes removed
    /// (`bedrock/converse/anthropic.x-v2:0` → `anthropic.x-v2:0`); `*` for a provider wildcard.
    public let modelID: String
    /// `litellm_params.model` exactly as configured.
    public let litellmModel: String
    /// `litellm_params.api_key`, already resolved from the environment.
    public let apiKey: Secret?
    /// Set when `api_key` reads `os.environ/NAME` and NAME was not set at load: the key is
    /// configured but unavailable, so choosing it denies `credential_unavailable`.
    public let unresolvedAPIKey: String?
    /// `litellm_params.litellm_credential_name`.
    public let credentialName: String?
    /// `litellm_params.tags` (tag filtering).
    public let tags: [String]
    /// `model_info.access_groups`.
    public let accessGroups: [String]
    /// How the provider was decided from `litellm_params` (nil when built otherwise).
    public let placement: LiteLLMModelName.Placement?

    public init(
        groupName: String, provider: Provider, modelID: String, litellmModel: String,
        apiKey: Secret? = nil, unresolvedAPIKey: String? = nil, credentialName: String? = nil, tags: [String] = [],
        accessGroups: [String] = [], placement: LiteLLMModelName.Placement? = nil
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
        self.placement = placement
        providerQualifiedID = "\(provider.rawValue)/\(modelID)"
        isProviderWildcard = modelID.containsByte(UInt8(ascii: "*"))
    }

    /// `provider/id` as wildcards match it (`bedrock/us.anthropic.claude-sonnet-4-6`).
    public let providerQualifiedID: String

    /// A deployment like `openai/*` serves every id of its provider.
    public let isProviderWildcard: Bool
}
