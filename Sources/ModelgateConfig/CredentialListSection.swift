import ModelgateCore

/// `credential_list`: named provider credentials.
enum CredentialListSection {
    static func read(_ node: ConfigNode, reader: inout ConfigReader) -> [Credential] {
        guard let entries = reader.elements(node) else { return [] }
        var credentials: [Credential] = []
        var names = Set<String>()
        for entry in entries {
            guard let credential = credential(entry, reader: &reader) else { continue }
            if !names.insert(credential.name).inserted {
                reader.problem(entry, "credential '\(credential.name)' is defined twice")
                continue
            }
            credentials.append(credential)
        }
        return credentials
    }

    private static func credential(_ node: ConfigNode, reader: inout ConfigReader) -> Credential? {
        guard let fields = reader.members(node, reading: ["credential_name", "credential_values", "credential_info"]) else { return nil }
        var credential = Credential(name: "")
        for (name, value) in fields where !value.isNull {
            switch name {
            case "credential_name": credential.name = reader.string(value) ?? ""
            case "credential_values":
                for (field, item) in reader.members(value, reading: ["api_key"]) ?? [] where field == "api_key" {
                    switch reader.secret(item) {
                    case .value(let key): credential.apiKey = Secret(key)
                    case .unset(let reference):
                        credential.unavailableReason = "\(reference) is not set"
                        reader.warnings.append("\(item.location): \(reference) is not set; checks that need this credential deny credential_unavailable")
                    case nil: break
                    }
                }
            case "credential_info":
                for (field, item) in reader.members(value, reading: ["custom_llm_provider"]) ?? [] where field == "custom_llm_provider" {
                    credential.provider = reader.string(item).map { Provider($0) }
                }
            default: continue
            }
        }
        guard !credential.name.isEmpty else {
            reader.problem(node, "credential_name is required")
            return nil
        }
        return credential
    }
}
