/// The families of route shapes modelgate understands; one recognizer each.
public enum RouteFamily: String, Sendable, CaseIterable {
    /// OpenAI-shaped endpoints (`chat/completions`, `embeddings`, …): model in body or query.
    case openAI = "openai"
    /// Anthropic-shaped endpoints (`messages`, `messages/count_tokens`): model in body.
    case anthropic
    /// Azure OpenAI `/openai/deployments/{deployment}/…`: model in path.
    case azure
    /// Google AI Studio `/v1beta/models/{m}:{action}`: model in path.
    case googleAIStudio = "gemini"
    /// Vertex AI `…/publishers/{pub}/models/{m}:{action}`: model in path.
    case vertexAI = "vertex_ai"
    /// Bedrock runtime `/model/{modelId}/{action}`: model in path.
    case bedrock
}

/// Which body, form, query and header fields name models on a body-routed endpoint.
public struct BodyModelFields: Sendable, Equatable {
    /// Top-level JSON `model`, or the multipart/urlencoded form field `model`.
    public var topLevelModel: Bool
    /// `session.model` and the session's transcription models (realtime client secrets and calls).
    public var sessionModel: Bool
    /// `fallbacks`, `context_window_fallbacks`, `content_policy_fallbacks`.
    public var fallbacks: Bool
    /// `extra_body.model`.
    public var extraBody: Bool = false
    /// `tools[].model` (responses).
    public var toolModels: Bool = false
    /// Form field and query `target_model_names`, and header `x-litellm-model` (files, batches).
    public var targetModelNames: Bool = false

    public static let standard = BodyModelFields(topLevelModel: true, sessionModel: false, fallbacks: true, extraBody: true)
    public static let responses = BodyModelFields(topLevelModel: true, sessionModel: false, fallbacks: true, extraBody: true, toolModels: true)
    public static let realtimeSession = BodyModelFields(topLevelModel: true, sessionModel: true, fallbacks: true, extraBody: true)
    /// Files and batches: the model-based routing `model` and the managed files' target models.
    public static let files = BodyModelFields(topLevelModel: true, sessionModel: false, fallbacks: false, targetModelNames: true)
    /// Vertex `count-tokens:rawPredict`: only the top-level `model` stands in for the placeholder.
    public static let modelOnly = BodyModelFields(topLevelModel: true, sessionModel: false, fallbacks: false)
}

/// A route shape recognised in a canonical path, and where its models are named.
public struct RecognizedRoute: Sendable, Equatable {
    public var family: RouteFamily
    /// A short name for logs and metrics, e.g. `bedrock.converse`, `openai.chat/completions`.
    public var endpoint: String
    /// The model the path names (Azure deployment, Google/Vertex `{m}`, Bedrock `{modelId}`).
    public var pathModel: String?
    /// Where `pathModel` came from (`path`, or `query` for `/openai/realtime?deployment=`).
    public var pathModelSource: ModelSource
    /// Vertex `{pub}`, so `{m}` can also match a deployment id `{pub}/{m}`.
    public var publisher: String?
    /// Non-nil when models are read from the body (and the query on OpenAI-shaped routes).
    public var bodyFields: BodyModelFields?
    /// Whether the query `model` parameter names a model (OpenAI- and Anthropic-shaped routes).
    public var queryModel: Bool
    /// Index (among the route's own segments) of the one segment allowed to hold a decoded `/`.
    public var slashAllowedSegment: Int?

    public init(
        family: RouteFamily, endpoint: String, pathModel: String? = nil, pathModelSource: ModelSource = .path,
        publisher: String? = nil, bodyFields: BodyModelFields? = nil, queryModel: Bool = false,
        slashAllowedSegment: Int? = nil
    ) {
        self.family = family
        self.endpoint = endpoint
        self.pathModel = pathModel
        self.pathModelSource = pathModelSource
        self.publisher = publisher
        self.bodyFields = bodyFields
        self.queryModel = queryModel
        self.slashAllowedSegment = slashAllowedSegment
    }

    /// The provider whose deployments a path model is looked up among; nil when the route does
    /// not fix the provider (OpenAI- and Anthropic-shaped routes, where the deployment decides).
    public var provider: Provider? {
        switch family {
        case .openAI, .anthropic: return nil
        case .azure: return .azure
        case .googleAIStudio: return .gemini
        case .vertexAI: return .vertexAI
        case .bedrock: return .bedrock
        }
    }

    /// True when the model lives in the body, so a truncated or malformed body must deny.
    public var modelLivesInBody: Bool { bodyFields != nil }
}
