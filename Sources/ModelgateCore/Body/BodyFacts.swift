/// What a body says that matters to a decision: the models it names and the client's tags.
public struct BodyFacts: Sendable, Equatable {
    /// Top-level `model` (JSON) or form field `model`.
    public var model: String?
    /// `session.model` (realtime).
    public var sessionModel: String?
    /// Every name in `fallbacks`, `context_window_fallbacks`, `content_policy_fallbacks`.
    public var fallbacks: [String] = []
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
