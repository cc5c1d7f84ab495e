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
