/// Reads `litellm_params.model` (and `custom_llm_provider`) into provider and provider-native id,
/// as LiteLLM's `get_llm_provider` does (CONTRACT §2).
public enum LiteLLMModelName {
    /// How the provider was decided.
    public enum Placement: String, Sendable {
        /// `litellm_params.custom_llm_provider`.
        case customLLMProvider = "custom_llm_provider"
        /// A `provider/` prefix LiteLLM knows.
        case prefix
        /// LiteLLM's model registry lists the bare name.
        case registry
        /// One of the registry's routing rules matches the bare name.
        case routingRule = "routing rule"
        /// Nothing places the name: an OpenAI-compatible model (LiteLLM itself would refuse it).
        case openAICompatible = "OpenAI-compatible"
    }

    public struct Reading: Sendable, Equatable {
        public var provider: Provider
        public var modelID: String
        public var placement: Placement
    }

    /// The litellm release the registry tables were generated from.
    public static let registryVersion = LiteLLMRegistry.litellmVersion

    /// Bare names that earlier LiteLLM registries listed and the pinned one no longer does; configs
    /// written for those releases still name them, and CONTRACT §2 places them as those releases did.
    static let retiredRegistryNames: [String: Provider] = [
        "claude-3-5-sonnet-20240620": .anthropic,
        "gemini-1.5-pro": .vertexAI,
    ]

    /// Bedrock route prefixes that pick an API, not a model: `bedrock/converse/X` serves id X.
    static let bedrockRoutePrefixes = ["converse/", "invoke/"]

    public static func parse(_ model: String) -> (provider: Provider, modelID: String) {
        let reading = read(model, customLLMProvider: nil)
        return (reading.provider, reading.modelID)
    }

    /// `model` as LiteLLM places it: `customLLMProvider` when given, else a known prefix, else
    /// the registry's bare names, else its routing rules, else OpenAI-compatible.
    public static func read(_ model: String, customLLMProvider: String?) -> Reading {
        if let customLLMProvider, !customLLMProvider.isEmpty {
            let provider = Provider(customLLMProvider)
            var id = model
            // LiteLLM prefixes the model with the provider unless it already starts with it.
            if let slash = model.firstIndex(of: "/"), model[..<slash] == provider.rawValue {
                id = String(model[model.index(after: slash)...])
            }
            return Reading(provider: provider, modelID: nativeID(id, provider: provider), placement: .customLLMProvider)
        }
        if let slash = model.firstIndex(of: "/"), Provider.isKnownPrefix(model[..<slash]) {
            let provider = Provider(String(model[..<slash]))
            let id = String(model[model.index(after: slash)...])
            return Reading(provider: provider, modelID: nativeID(id, provider: provider), placement: .prefix)
        }
        if let provider = BareModelNames.shared.providers[model] {
            return Reading(provider: Provider(provider), modelID: model, placement: .registry)
        }
        if let provider = retiredRegistryNames[model] {
            return Reading(provider: provider, modelID: model, placement: .registry)
        }
        if let provider = BareModelNames.shared.routingProvider(model) {
            return Reading(provider: Provider(provider), modelID: model, placement: .routingRule)
        }
        return Reading(provider: .openai, modelID: model, placement: .openAICompatible)
    }

    private static func nativeID(_ id: String, provider: Provider) -> String {
        guard provider == .bedrock else { return id }
        for routePrefix in bedrockRoutePrefixes where id.hasPrefix(routePrefix) {
            return String(id.dropFirst(routePrefix.count))
        }
        return id
    }
}

/// The registry's bare names and routing rules (`LiteLLMRegistry`), parsed once.
private struct BareModelNames: Sendable {
    static let shared = BareModelNames()

    let providers: [String: String]
    let rules: [(provider: String, pattern: String)]

    private init() {
        var providers: [String: String] = [:]
        for line in LiteLLMRegistry.bareModels.split(separator: "\n") {
            let fields = line.split(separator: "\t", maxSplits: 1)
            if fields.count == 2 { providers[String(fields[0])] = String(fields[1]) }
        }
        self.providers = providers
        rules = LiteLLMRegistry.routingRules.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: "\t", maxSplits: 1)
            return fields.count == 2 ? (String(fields[0]), String(fields[1])) : nil
        }
    }

    /// The first rule whose regex is found in `model`, case-insensitively (Python's `re.search`
    /// with `re.IGNORECASE`). A pattern Swift cannot compile matches nothing.
    func routingProvider(_ model: String) -> String? {
        for rule in rules {
            guard let regex = try? Regex(rule.pattern).ignoresCase() else { continue }
            if (try? regex.firstMatch(in: model)) != nil { return rule.provider }
        }
        return nil
    }
}
