/// A team: its allowlist, tags and credential choices apply to every key in it.
public struct Team: Sendable {
    public var id: String
    public var alias: String?
    /// Allowlist; empty means no restriction at the team level.
    public var models: [String]
    public var blocked: Bool
    /// `metadata.tags`.
    public var tags: [String]
    public var modelConfig: ModelConfig
    /// A member's own allowlist within the team, by user id (LiteLLM's team-member model scope):
    /// a key of the team bound to that user must pass it too. Only non-empty lists are kept.
    public var memberModels: [String: [String]]

    public init(
        id: String, alias: String? = nil, models: [String] = [], blocked: Bool = false,
        tags: [String] = [], modelConfig: ModelConfig = .none, memberModels: [String: [String]] = [:]
    ) {
        self.id = id
        self.alias = alias
        self.models = models
        self.blocked = blocked
        self.tags = tags
        self.modelConfig = modelConfig
        self.memberModels = memberModels.filter { !$0.value.isEmpty }
    }
}
