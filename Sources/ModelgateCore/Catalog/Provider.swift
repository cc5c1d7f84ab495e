/// An upstream provider, as LiteLLM names it in `litellm_params.model` (`bedrock/…`).
///
/// Open set: unknown prefixes (`groq/`, `hosted_vllm/`, …) are kept by name and treated as
/// OpenAI-compatible for credential headers.
public struct Provider: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let openai = Provider("openai")
    public static let azure = Provider("azure")
    public static let anthropic = Provider("anthropic")
    public static let gemini = Provider("gemini")
    public static let vertexAI = Provider("vertex_ai")
    public static let bedrock = Provider("bedrock")
}
