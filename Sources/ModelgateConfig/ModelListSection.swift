import ModelgateCore

/// `model_list`: model groups and the deployments behind them.
enum ModelListSection {
    static func read(_ node: ConfigNode, reader: inout ConfigReader) -> [Deployment] {
        guard let entries = reader.elements(node) else { return [] }
        return entries.compactMap { deployment($0, reader: &reader) }
    }

    private static func deployment(_ node: ConfigNode, reader: inout ConfigReader) -> Deployment? {
        guard let fields = reader.members(node, reading: ["model_name", "litellm_params", "model_info"]) else { return nil }
        var groupName: String?
        var params: ConfigNode?
        var info: ConfigNode?
        for (name, value) in fields {
            switch name {
            case "model_name": groupName = reader.string(value)
            case "litellm_params": params = value
            case "model_info": info = value.isNull ? nil : value
            default: continue
            }
        }
        guard let groupName, !groupName.isEmpty else {
            reader.problem(node, "model_name is required")
            return nil
        }
        guard let params else {
            // LiteLLM itself cannot load such an entry (it reads litellm_params unconditionally).
            reader.warnings.append("\(node.location): no litellm_params, so no deployment: the entry is skipped")
            return nil
        }
        guard let paramFields = reader.members(params, reading: ["model", "api_key", "litellm_credential_name", "custom_llm_provider", "tags"]) else {
            reader.problem(node, "litellm_params is required")
            return nil
        }
        var model: String?
        var apiKey: Secret?
        var unresolved: String?
        var credentialName: String?
        var customLLMProvider: String?
        var tags: [String] = []
        for (name, value) in paramFields where !value.isNull {
            switch name {
            case "model": model = reader.string(value)
            case "api_key":
                switch reader.secret(value) {
                case .value(let key): apiKey = Secret(key)
                case .unset(let reference):
                    unresolved = reference
                    reader.warnings.append("\(value.location): \(reference) is not set; checks that need this key deny credential_unavailable")
                case nil: break
                }
            case "litellm_credential_name": credentialName = reader.string(value)
            case "custom_llm_provider": customLLMProvider = reader.string(value)
            case "tags": tags = reader.strings(value) ?? []
            default: continue
            }
        }
        guard let model, !model.isEmpty else {
            reader.problem(params, "litellm_params.model is required")
            return nil
        }
        var accessGroups: [String] = []
        if let info, let infoFields = reader.members(info, reading: ["access_groups"]) {
            for (name, value) in infoFields where name == "access_groups" {
                accessGroups = reader.strings(value) ?? []
            }
        }
        let reading = LiteLLMModelName.read(model, customLLMProvider: customLLMProvider)
        if reading.placement == .openAICompatible, let modelNode = paramFields.first(where: { $0.key == "model" })?.value {
            reader.warnings.append("\(modelNode.location): no provider prefix LiteLLM knows and not in LiteLLM's model registry (litellm \(LiteLLMModelName.registryVersion)): read as an OpenAI-compatible model, as LiteLLM needs custom_llm_provider or a provider/ prefix to serve it")
        }
        return Deployment(
            groupName: groupName, provider: reading.provider, modelID: reading.modelID, litellmModel: model, apiKey: apiKey,
            unresolvedAPIKey: unresolved, credentialName: credentialName, tags: tags, accessGroups: accessGroups,
            placement: reading.placement)
    }
}
