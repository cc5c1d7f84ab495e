/// What a body says that matters to a decision: the models it names, the client's tags, and a
/// field the client may not send.
public struct BodyFacts: Sendable, Equatable {
    /// Top-level `model` (JSON) or form field `model`.
    public var model: String?
    /// `session.model` (realtime).
    public var sessionModel: String?
    /// Every name in `fallbacks`, `context_window_fallbacks`, `content_policy_fallbacks`, with the
    /// models named inside `{"model": name, …}` entries (their own fallbacks, `extra_body.model`),
    /// recursively.
    public var fallbacks: [String] = []
    /// `extra_body.model` (LiteLLM merges `extra_body` into the provider request).
    public var extraBodyModels: [String] = []
    /// `tools[].model` (e.g. the `image_generation` tool on `responses`), also inside fallback entries.
    public var toolModels: [String] = []
    /// `session.audio.input.transcription.model`, `session.input_audio_transcription.model`.
    public var transcriptionModels: [String] = []
    /// Form field `target_model_names` (and `target_model_names[…]`), comma-separated.
    public var targetModelNames: [String] = []
    /// The first field found that lets a client re-route or re-credential the upstream call
    /// (`ForbiddenParameters`); the body is otherwise read in full, so that a malformed body is
    /// still `malformed_body`.
    public var forbiddenParameter: String?
    /// Body `tags` and `metadata.tags`.
    public var tags: [String] = []

    public init(model: String? = nil, sessionModel: String? = nil, fallbacks: [String] = [], tags: [String] = []) {
        self.model = model
        self.sessionModel = sessionModel
        self.fallbacks = fallbacks
        self.tags = tags
    }
}

/// A body that cannot be read one way only (→ `malformed_body`).
public struct BodyProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    /// Byte offset where the problem was found, when known.
    public var offset: Int?

    public init(_ message: String, at offset: Int? = nil) {
        self.message = message
        self.offset = offset
    }

    public var description: String {
        offset.map { "\(message) (at byte \($0))" } ?? message
    }
}
