/// An upstream provider, by the name LiteLLM's `get_llm_provider` returns (`bedrock`, `gemini`).
///
/// Every way of naming a provider reads through `Provider.canonicalName`, so a credential's
/// `custom_llm_provider`, a `model_config` key and a deployment's `custom_llm_provider` mean the
/// same provider whether written `bedrock`, `Bedrock`, `Amazon Bedrock` or `BEDROCK`. Open set:
/// providers modelgate has no route for (`groq`, `hosted_vllm`, …) are kept by name and get the
/// OpenAI-compatible credential header.
public struct Provider: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    /// Reads `name` as LiteLLM reads a provider name (see `canonicalName`).
    public init(rawValue: String) { self.rawValue = Self.canonicalName(rawValue) }
    public init(_ name: String) { self.init(rawValue: name) }
    public var description: String { rawValue }

    public static let openai = Provider("openai")
    public static let azure = Provider("azure")
    public static let anthropic = Provider("anthropic")
    public static let gemini = Provider("gemini")
    public static let vertexAI = Provider("vertex_ai")
    public static let bedrock = Provider("bedrock")

    /// The provider a name means, as LiteLLM reads it: a provider name (`bedrock`), a LiteLLM UI
    /// provider enum key (`Bedrock`, `Google_AI_Studio`, `Vertex_AI`) or UI display name
    /// (`Amazon Bedrock`, `Google AI Studio`). An exact spelling wins over a case-insensitive
    /// one (`SageMaker` is the UI's `sagemaker_chat`, `sagemaker` the provider); a name LiteLLM
    /// does not know is kept, lowercased.
    public static func canonicalName(_ name: String) -> String {
        if let exact = ProviderNames.shared.exact[name] { return exact }
        let folded = name.lowercased()
        return ProviderNames.shared.folded[folded] ?? folded
    }

    /// Whether LiteLLM knows `name` as a provider prefix (`bedrock/…`), spelled exactly.
    public static func isKnownPrefix(_ name: Substring) -> Bool {
        ProviderNames.shared.prefixes.contains(String(name))
    }
}

/// The provider spellings of `LiteLLMRegistry`, parsed once.
private struct ProviderNames: Sendable {
    static let shared = ProviderNames()

    /// Exact spellings: provider names, then UI enum keys and display names.
    let exact: [String: String]
    /// Lowercased spellings, same order of precedence.
    let folded: [String: String]
    let prefixes: Set<String>

    private init() {
        let providers = LiteLLMRegistry.providerNames.split(separator: "\n").map(String.init)
        prefixes = Set(providers)
        var exact: [String: String] = [:]
        var folded: [String: String] = [:]
        for provider in providers {
            exact[provider] = provider
            folded[provider.lowercased()] = provider
        }
        var uiFolded: [String: String] = [:]
        var ambiguous = Set<String>()
        for line in LiteLLMRegistry.uiProviderNames.split(separator: "\n") {
            let fields = line.split(separator: "\t", maxSplits: 1).map(String.init)
            guard fields.count == 2 else { continue }
            let (name, provider) = (fields[0], fields[1])
            if exact[name] == nil { exact[name] = provider }
            let key = name.lowercased()
            if let seen = uiFolded[key], seen != provider { ambiguous.insert(key) }
            uiFolded[key] = provider
        }
        // A case-insensitive UI spelling that means two providers decides nothing.
        for (key, provider) in uiFolded where folded[key] == nil && !ambiguous.contains(key) {
            folded[key] = provider
        }
        self.exact = exact
        self.folded = folded
    }
}
