/// LiteLLM's `metadata.model_config` on a key or team: which named credential to use,
/// per provider, for one model group or by default.
///
/// ```yaml
/// model_config:
///   defaultconfig: { gemini: { litellm_credentials: gemini-team-1 } }
///   claude-sonnet-4.6: { bedrock: { litellm_credentials: bedrock-team-1 } }
/// ```
public struct ModelConfig: Sendable, Equatable {
    /// provider → credential name, for any group.
    public var defaultConfig: [String: String]
    /// group → provider → credential name.
    public var perGroup: [String: [String: String]]

    public init(defaultConfig: [String: String] = [:], perGroup: [String: [String: String]] = [:]) {
        self.defaultConfig = defaultConfig
        self.perGroup = perGroup
    }

    public static let none = ModelConfig()
    public var isEmpty: Bool { defaultConfig.isEmpty && perGroup.isEmpty }
}
