import ModelgateCore

/// `model_list`: model groups and the deployments behind them.
enum ModelListSection {
    static func read(_ node: ConfigNode, reader: inout ConfigReader) -> [Deployment] {
        guard let entries = reader.elements(node) else { return [] }
        return entries.compactMap { deployment($0, reader: &reader) }
    }

    private static func deployment(_ node: ConfigNode, reader: inout ConfigReader) -> Deployment? {
        guard let fields = reader.members(node) else { return nil }
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
        guard let params, let paramFields = reader.members(params) else {
            reader.problem(node, "litellm_params is required")
            return nil
        }
        var model: String?
        var apiKey: Secret?
        var unresolved: String?
        var credentialName: String?
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
            case "tags": tags = reader.strings(value) ?? []
            default: continue
            }
        }
        guard let model, !model.isEmpty else {
            reader.problem(params, "litellm_params.model is required")
            return nil
        }
        var accessGroups: [String] = []
        if let info, let infoFields = reader.members(info) {
            for (name, value) in infoFields where name == "access_groups" {
                accessGroups = reader.strings(value) ?? []
            }
        }
        let (provider, modelID) = LiteLLMModelName.parse(model)
        return Deployment(
            groupName: groupName, provider: provider, modelID: modelID, litellmModel: model, apiKey: apiKey,
            unresolvedAPIKey: unresolved, credentialName: credentialName, tags: tags, accessGroups: accessGroups)
    }
}
