/// Reads `litellm_params.model` (`bedrock/converse/anthropic.x-v2:0`) into provider and
/// provider-native id.
public enum LiteLLMModelName {
    /// Provider prefixes LiteLLM understands; anything else is a bare OpenAI-compatible name
    /// (which may itself contain `/`, like `meta-llama/Llama-3`).
    static let knownProviders: Set<String> = [
        "openai", "azure", "azure_ai", "anthropic", "gemini", "vertex_ai", "vertex_ai_beta", "bedrock",
        "groq", "mistral", "cohere", "cohere_chat", "together_ai", "hosted_vllm", "vllm", "ollama", "ollama_chat",
        "openrouter", "deepseek", "xai", "fireworks_ai", "perplexity", "databricks", "sagemaker", "watsonx",
        "huggingface", "replicate", "cerebras", "nvidia_nim", "litellm_proxy", "text-completion-openai",
        "openai_like", "custom_openai", "ai21", "voyage", "jina_ai", "dashscope", "moonshot",
    ]

    /// Bedrock route prefixes that pick an API, not a model: `bedrock/converse/X` serves id X.
    static let bedrockRoutePrefixes = ["converse/", "invoke/"]

    public static func parse(_ model: String) -> (provider: Provider, modelID: String) {
        guard let slash = model.firstIndex(of: "/") else { return (.openai, model) }
        let prefix = String(model[..<slash])
        guard knownProviders.contains(prefix) else { return (.openai, model) }
        var id = String(model[model.index(after: slash)...])
        if prefix == Provider.bedrock.rawValue {
            for routePrefix in bedrockRoutePrefixes where id.hasPrefix(routePrefix) {
                id.removeFirst(routePrefix.count)
                break
            }
        }
        return (Provider(prefix), id)
    }
}
