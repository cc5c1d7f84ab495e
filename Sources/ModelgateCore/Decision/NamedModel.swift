/// Where in the request a model identifier was found.
public enum ModelSource: String, Sendable {
    case path
    case body
    case form
    case query
    case session = "session.model"
    case fallback
    case extraBody = "extra_body.model"
    case tool = "tools[].model"
    case transcription = "transcription.model"
    case targetModelNames = "target_model_names"
    case header = "x-litellm-model"
}

/// One model identifier the request names, and the group it resolved to (if any).
public struct NamedModel: Sendable, Equatable {
    public var id: String
    public var source: ModelSource
    public var modelGroup: String?

    public init(id: String, source: ModelSource, modelGroup: String? = nil) {
        self.id = id
        self.source = source
        self.modelGroup = modelGroup
    }
}
