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

    public init(
        id: String, alias: String? = nil, models: [String] = [], blocked: Bool = false,
        tags: [String] = [], modelConfig: ModelConfig = .none
    ) {
        self.id = id
        self.alias = alias
        self.models = models
        self.blocked = blocked
        self.tags = tags
        self.modelConfig = modelConfig
    }
}
