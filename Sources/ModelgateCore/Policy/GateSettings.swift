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
    /// Limits that keep one client from stopping other checks (CONTRACT §4).
    public var limits: FrontLimits
    /// `max_policy_staleness_seconds`: how long a policy that cannot be brought up to date with
    /// its database keeps answering checks (CONTRACT §8); nil is for ever.
    public var maxPolicyStaleness: Double? = nil

    public init(
        maxBodyBytes: Int = 10 * 1024 * 1024,
        mountPrefixes: [String] = GateSettings.defaultMountPrefixes,
        modellessRoutes: [String] = GateSettings.defaultModellessRoutes,
        tagFilteringEnabled: Bool = false,
        limits: FrontLimits = FrontLimits()
    ) {
        self.maxBodyBytes = maxBodyBytes
        self.mountPrefixes = mountPrefixes
        self.modellessRoutes = modellessRoutes
        self.tagFilteringEnabled = tagFilteringEnabled
        self.limits = limits
    }
}

/// The deadlines and size caps of both fronts (`modelgate_settings`, CONTRACT §4), so that a
/// slow, stalled or greedy client cannot stop the checks of everyone else.
public struct FrontLimits: Sendable, Equatable {
    /// HTTP: a request head must be complete within this of the connection's start, or of the
    /// previous response on a keep-alive connection once the next request has begun.
    public var headTimeout: Duration = .seconds(10)
    /// HTTP: a keep-alive connection with no request begun is closed after this.
    public var idleTimeout: Duration = .seconds(60)
    /// HTTP: a body must be complete within this of its head, however it progresses
    /// (`body_incomplete` on checks, 408 elsewhere).
    public var bodyTimeout: Duration = .seconds(30)
    /// HTTP: bytes buffered for request bodies across every connection; past it a new body is
    /// answered at once (`body_too_large` on checks, 503 elsewhere).
    public var maxBufferedBodyBytes: Int = 256 << 20
    /// HTTP: the largest body of an admin or health request (`/v1/decision` takes at least
    /// twice `max_body_bytes`: its body is JSON-escaped).
    public var maxAdminBodyBytes: Int = 1 << 20
    /// gRPC: `SETTINGS_MAX_CONCURRENT_STREAMS` advertised on each HTTP/2 connection.
    public var grpcMaxConcurrentStreams: Int = 1024
    /// gRPC: an RPC not complete within this is cancelled (`DEADLINE_EXCEEDED`).
    public var grpcRPCTimeout: Duration = .seconds(30)
    /// gRPC: the largest request message; nil means `max_body_bytes` plus `grpcMessageHeadroom`.
    public var grpcMaxMessageBytes: Int? = nil

    /// Room in a gRPC message for the request's path, headers and attributes besides its body.
    public static let grpcMessageHeadroom = 1 << 20

    public init() {}

    /// The gRPC message limit for a policy whose bodies may be `maxBodyBytes` long.
    public func grpcMessageLimit(maxBodyBytes: Int) -> Int {
        grpcMaxMessageBytes ?? (maxBodyBytes > Int.max - Self.grpcMessageHeadroom ? Int.max : maxBodyBytes + Self.grpcMessageHeadroom)
    }
}
