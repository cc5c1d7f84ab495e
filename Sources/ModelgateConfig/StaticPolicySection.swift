import Foundation
import ModelgateCore

/// The optional static `teams`, `users` and `keys` sections, merged with the database.
enum StaticPolicySection {
    static func teams(_ node: ConfigNode, reader: inout ConfigReader) -> [Team] {
        records(node, reader: &reader, idField: "team_id", reading: ["team_alias", "models", "blocked", "metadata", "model_config"]) {
            (id: String) in Team(id: id)
        } read: { team, name, value, reader in
            switch name {
            case "team_alias": team.alias = reader.string(value)
            case "models": team.models = reader.strings(value) ?? []
            case "blocked": team.blocked = reader.bool(value) ?? false
            case "metadata": readMetadata(value, tags: &team.tags, modelConfig: &team.modelConfig, reader: &reader)
            case "model_config": team.modelConfig = ModelConfigReader.read(value, reader: &reader)
            default: break
            }
        }
    }

    static func users(_ node: ConfigNode, reader: inout ConfigReader) -> [User] {
        records(node, reader: &reader, idField: "user_id", reading: ["models"]) { (id: String) in User(id: id) } read: { user, name, value, reader in
            if name == "models" { user.models = reader.strings(value) ?? [] }
        }
    }

    /// The entries of a list section of records identified by `idField` (required): each
    /// made by `make` from its id, then given its other members (`fields`, null ones left out).
    private static func records<Record>(
        _ node: ConfigNode, reader: inout ConfigReader, idField: String, reading fields: Set<String>,
        make: (String) -> Record, read: (inout Record, String, ConfigNode, inout ConfigReader) -> Void
    ) -> [Record] {
        (reader.elements(node) ?? []).compactMap { entry in
            guard let members = reader.members(entry, reading: fields.union([idField])) else { return nil }
            let id = members.first { $0.0 == idField && !$0.1.isNull }.flatMap { reader.string($0.1) } ?? ""
            guard !id.isEmpty else {
                reader.problem(entry, "\(idField) is required")
                return nil
            }
            var record = make(id)
            for (name, value) in members where name != idField && !value.isNull {
                read(&record, name, value, &reader)
            }
            return record
        }
    }

    static func keys(_ node: ConfigNode, reader: inout ConfigReader) -> [VirtualKey] {
        (reader.elements(node) ?? []).compactMap { entry in
            guard let fields = reader.members(entry, reading: ["key", "key_alias", "team_id", "user_id", "models", "blocked", "expires", "metadata", "model_config"]) else { return nil }
            var raw: String?
            var skipped = false
            var key = VirtualKey(hash: KeyHash(hashing: ""))
            for (name, value) in fields where !value.isNull {
                switch name {
                case "key":
                    switch reader.secret(value) {
                    case .value(let text): raw = text
                    case .unset(let reference):
                        skipped = true
                        reader.warnings.append("\(value.location): \(reference) is not set; this key is not loaded (requests with it are denied)")
                    case nil: break
                    }
                case "key_alias": key.alias = reader.string(value)
                case "team_id": key.teamID = reader.string(value)
                case "user_id": key.userID = reader.string(value)
                case "models": key.models = reader.strings(value) ?? []
                case "blocked": key.blocked = reader.bool(value) ?? false
                case "expires": key.expires = expiry(value, reader: &reader)
                case "metadata": readMetadata(value, tags: &key.tags, modelConfig: &key.modelConfig, reader: &reader)
                case "model_config": key.modelConfig = ModelConfigReader.read(value, reader: &reader)
                default: continue
                }
            }
            guard let raw, !raw.isEmpty else {
                if !skipped, !reader.problems.contains(where: { $0.location.hasPrefix(entry.path) }) {
                    reader.problem(entry, "key is required")
                }
                return nil
            }
            key.hash = KeyHash(hashing: raw)
            return key
        }
    }

    private static func readMetadata(_ node: ConfigNode, tags: inout [String], modelConfig: inout ModelConfig, reader: inout ConfigReader) {
        for (name, value) in reader.members(node, reading: ["tags", "model_config"]) ?? [] where !value.isNull {
            switch name {
            case "tags": tags = reader.strings(value) ?? []
            case "model_config": modelConfig = ModelConfigReader.read(value, reader: &reader)
            default: continue
            }
        }
    }

    private static func expiry(_ node: ConfigNode, reader: inout ConfigReader) -> Date? {
        guard let text = reader.string(node) else { return nil }
        if let date = ExpiryDate.parse(text) { return date }
        reader.problem(node, "expires must be \(ExpiryDate.expected)")
        return nil
    }
}

/// `model_config`: `defaultconfig` and per-group entries, each provider →
/// `{litellm_credentials: NAME}`. Provider keys are read as LiteLLM reads provider names
/// (`Bedrock`, `Google_AI_Studio`: `Provider.canonicalName`).
public enum ModelConfigReader {
    static func read(_ node: ConfigNode, reader: inout ConfigReader) -> ModelConfig {
        var config = ModelConfig()
        for (scope, providers) in reader.members(node) ?? [] where !providers.isNull {
            var byProvider: [String: String] = [:]
            for (provider, entry) in reader.members(providers) ?? [] where !entry.isNull {
                var credential: String?
                for (field, value) in reader.members(entry, reading: ["litellm_credentials"]) ?? [] where field == "litellm_credentials" {
                    credential = reader.string(value)
                }
                guard let credential else {
                    reader.problem(entry, "expected { litellm_credentials: NAME }")
                    continue
                }
                let canonical = Provider.canonicalName(provider)
                if let earlier = byProvider[canonical], earlier != credential {
                    reader.problem(entry, "names provider \(canonical) a second time (as '\(provider)') with another credential")
                    continue
                }
                byProvider[canonical] = credential
            }
            if scope == "defaultconfig" {
                config.defaultConfig = byProvider
            } else {
                config.perGroup[scope] = byProvider
            }
        }
        return config
    }

    /// Reads a `model_config` value from already-decoded JSON (admin API bodies, database rows).
    /// Returns nil with a message when the shape is wrong.
    public static func read(json: Any) -> Result<ModelConfig, ConfigError> {
        guard let scopes = json as? [String: Any] else {
            return .failure(ConfigError(problems: [ConfigProblem(location: "model_config", message: "expected an object")]))
        }
        var config = ModelConfig()
        for (scope, value) in scopes {
            if value is NSNull { continue }
            guard let providers = value as? [String: Any] else {
                return .failure(ConfigError(problems: [ConfigProblem(location: "model_config.\(scope)", message: "expected an object of providers")]))
            }
            var byProvider: [String: String] = [:]
            for (provider, entry) in providers {
                guard let fields = entry as? [String: Any], let name = fields["litellm_credentials"] as? String else {
                    return .failure(ConfigError(problems: [ConfigProblem(
                        location: "model_config.\(scope).\(provider)", message: "expected { \"litellm_credentials\": NAME }")]))
                }
                let canonical = Provider.canonicalName(provider)
                if let earlier = byProvider[canonical], earlier != name {
                    return .failure(ConfigError(problems: [ConfigProblem(
                        location: "model_config.\(scope).\(provider)", message: "names provider \(canonical) a second time with another credential")]))
                }
                byProvider[canonical] = name
            }
            if scope == "defaultconfig" { config.defaultConfig = byProvider } else { config.perGroup[scope] = byProvider }
        }
        return .success(config)
    }
}
