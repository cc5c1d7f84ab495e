/// `modelgate_settings` and the few `router_settings` that change decisions.
public struct GateSettings: Sendable {
    public static let defaultMountPrefixes = ["/bedrock", "/vertex_ai", "/vertex-ai", "/gemini", "/openai", "/azure", "/anthropic"]
    public static let defaultModellessRoutes = ["GET /v1/models", "GET /models"]

    public var maxBodyBytes: Int
    /// Path prefixes a passthrough route may sit under (`/bedrock`), each one or more segments.
    public var mountPrefixes: [String]
    /// `"METHOD /path"` routes that name no model and need only a valid key.
    public var modellessRoutes: [String]
    /// `router_settings.enable_tag_filtering`.
    public var tagFilteringEnabled: Bool
    /// Whether a key with a team must also pass its user's `models` (CONTRACT §6). LiteLLM's own
    /// database (`--litellm-database`) says no: LiteLLM checks a user's list only on keys without
    /// a team.
    public var userModelsApplyToTeamKeys: Bool = true

    public init(
        maxBodyBytes: Int = 10 * 1024 * 1024,
        mountPrefixes: [String] = GateSettings.defaultMountPrefixes,
        modellessRoutes: [String] = GateSettings.defaultModellessRoutes,
        tagFilteringEnabled: Bool = false
    ) {
        self.maxBodyBytes = maxBodyBytes
        self.mountPrefixes = mountPrefixes
        self.modellessRoutes = modellessRoutes
        self.tagFilteringEnabled = tagFilteringEnabled
    }
}
